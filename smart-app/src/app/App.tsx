import { useEffect, useMemo, useState } from 'react';
import { Notice } from '../components/ui/Notice';
import { Tabs } from '../components/ui/Tabs';
import { CohortView } from '../features/cohort/components/CohortView';
import { KeyPanel } from '../features/keys/components/KeyPanel';
import { KeyProvider, type KeyServices } from '../features/keys/keyContext';
import { PatientView } from '../features/patient/components/PatientView';
import { RegressionView } from '../features/regression/components/RegressionView';
import { ApiErrorNotice } from '../features/session/components/ApiErrorNotice';
import { SessionHeader } from '../features/session/components/SessionHeader';
import { SessionActionsContext } from '../features/session/sessionActions';
import { asApiError, type ApiError, type HomocloudApi, type SessionInfo } from '../lib/fhir/api';

type SessionState = { state: 'loading' } | { state: 'ready'; session: SessionInfo } | { state: 'failed'; error: ApiError };

/**
 * The SMART app: who is signed in, the key panel, then the patient and cohort views. Everything
 * outside comes in as props (the FHIR API behind its adapter, the key services), so tests render
 * it with fakes.
 */
export function App({ api, keyServices, relaunch }: { api: HomocloudApi; keyServices: KeyServices; relaunch: () => Promise<void> }) {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const actions = useMemo(() => ({ relaunch }), [relaunch]);

  useEffect(() => {
    let live = true;
    api.session().then(
      (s) => live && setSession({ state: 'ready', session: s }),
      (e) => live && setSession({ state: 'failed', error: asApiError(e) }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <SessionActionsContext.Provider value={actions}>
      <KeyProvider services={keyServices}>
        {session.state === 'ready' ? <SessionHeader session={session.session} /> : null}
        <main className="mx-auto max-w-5xl p-6 font-sans text-slate-900">
          {session.state === 'loading' ? <p role="status">Connecting to the FHIR server…</p> : null}
          {session.state === 'failed' ? <ApiErrorNotice error={session.error} /> : null}
          {session.state === 'ready' ? (
            <>
              <KeyPanel />
              <div className="mt-6">
                <Tabs
                  tabs={[
                    { label: 'Patient', content: <PatientView api={api} patient={session.session.patient} /> },
                    { label: 'Cohort', content: <CohortView api={api} /> },
                    { label: 'Regression', content: <RegressionView api={api} /> },
                  ]}
                />
              </div>
            </>
          ) : null}
        </main>
      </KeyProvider>
    </SessionActionsContext.Provider>
  );
}

/** Shown while the browser goes to the authorization server, or when the launch itself failed. */
export function LaunchScreen({ message, error }: { message?: string; error?: string }) {
  return (
    <main className="mx-auto max-w-2xl p-8 font-sans text-slate-900">
      <h1 className="text-3xl font-semibold">Homocloud</h1>
      {message ? <p role="status" className="mt-4">{message}</p> : null}
      {error ? (
        <Notice tone="error" title="The SMART launch failed">
          {error}
        </Notice>
      ) : null}
    </main>
  );
}
