import type { ReactNode } from 'react';

const TONES = {
  info: 'border-sky-700 bg-sky-50 text-sky-950',
  warning: 'border-amber-700 bg-amber-50 text-amber-950',
  error: 'border-red-700 bg-red-50 text-red-950',
  success: 'border-emerald-700 bg-emerald-50 text-emerald-950',
} as const;

/** A bordered message; errors are announced (role="alert"), the rest politely (role="status"). */
export function Notice({ tone, title, children }: { tone: keyof typeof TONES; title: string; children?: ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`mt-3 rounded border-l-4 p-3 ${TONES[tone]}`}>
      <p className="font-semibold">{title}</p>
      {children ? <div className="mt-1 text-sm">{children}</div> : null}
    </div>
  );
}
