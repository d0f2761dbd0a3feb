import type { SessionInfo } from '../../../lib/fhir/api';

/** Who is signed in and which patient is in context. */
export function SessionHeader({ session }: { session: SessionInfo }) {
  return (
    <header className="border-b border-slate-300 bg-slate-900 px-6 py-3 text-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">Homocloud</h1>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div className="flex gap-1">
            <dt className="text-slate-300">Signed in as</dt>
            <dd className="font-medium">{session.userName ?? 'unknown user'}</dd>
          </div>
          <div className="flex gap-1">
            <dt className="text-slate-300">Patient</dt>
            <dd className="font-medium">
              {session.patient
                ? `${session.patient.name}${session.patient.birthDate ? ` (born ${session.patient.birthDate})` : ''}`
                : 'none in context'}
            </dd>
          </div>
        </dl>
      </div>
    </header>
  );
}
