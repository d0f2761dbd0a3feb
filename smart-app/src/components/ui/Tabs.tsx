import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/** WAI-ARIA tabs: Left/Right/Home/End move between tabs, Tab moves into the panel. */
export function Tabs({ tabs }: { tabs: readonly { label: string; content: ReactNode }[] }) {
  const [active, setActive] = useState(0);
  const id = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setActive(next);
    refs.current[next]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label="Views" className="flex gap-1 border-b border-slate-300">
        {tabs.map((t, i) => (
          <button
            key={t.label}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            id={`${id}-tab-${i}`}
            aria-selected={i === active}
            aria-controls={`${id}-panel-${i}`}
            tabIndex={i === active ? 0 : -1}
            onClick={() => setActive(i)}
            onKeyDown={(e) => move(e, i)}
            className={`-mb-px rounded-t border px-4 py-2 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700 ${
              i === active ? 'border-slate-300 border-b-white bg-white font-semibold text-slate-900' : 'border-transparent text-slate-700 hover:text-slate-900'
            }`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t, i) => (
        <div key={t.label} role="tabpanel" id={`${id}-panel-${i}`} aria-labelledby={`${id}-tab-${i}`} hidden={i !== active} tabIndex={0} className="py-4">
          {i === active ? t.content : null}
        </div>
      ))}
    </div>
  );
}
