import type { JobProgress } from '../../lib/fhir/api';

/** Where a server job is: submitted, or computing, with a progress bar when the server reports a fraction. */
export function JobProgressStatus({ progress }: { progress: JobProgress }) {
  return (
    <div role="status" className="mt-3 text-sm">
      {progress.state === 'submitted' ? 'Submitting the query…' : 'The server is computing on encrypted values…'}
      {progress.fraction !== undefined ? (
        <progress className="ml-2 align-middle" max={1} value={progress.fraction} aria-label="Computation progress" />
      ) : null}
    </div>
  );
}
