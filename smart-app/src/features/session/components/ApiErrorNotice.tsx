import { Notice } from '../../../components/ui/Notice';
import type { ApiError } from '../../../lib/fhir/api';
import { useSessionActions } from '../sessionActions';

const TITLES: Record<ApiError['kind'], string> = {
  'session-expired': 'Your session has expired',
  forbidden: 'Refused: your sign-in does not allow this',
  'cohort-too-small': 'Cohort below the minimum size',
  'not-found': 'Not found',
  'bad-request': 'The server did not accept the request',
  server: 'The server failed',
  network: 'The server could not be reached',
};

/** A failed request, titled by its kind, with what the server said. */
export function ApiErrorNotice({ error }: { error: ApiError }) {
  const { relaunch } = useSessionActions();
  const hint =
    error.kind === 'forbidden'
      ? ' Ask for the scope this view needs (patient-level reads for the patient view, aggregate access for cohorts) and launch again.'
      : error.kind === 'cohort-too-small'
        ? ' Widen the date range or relax the filters: the server refuses statistics over too few patients, so that no one is singled out.'
        : '';
  return (
    <Notice tone={error.kind === 'cohort-too-small' ? 'warning' : 'error'} title={TITLES[error.kind]}>
      {error.message}.{hint}
      {error.kind === 'session-expired' ? (
        <div>
          <button
            type="button"
            onClick={() => void relaunch()}
            className="mt-2 rounded bg-blue-800 px-3 py-1 text-white hover:bg-blue-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700"
          >
            Sign in again
          </button>
        </div>
      ) : null}
    </Notice>
  );
}
