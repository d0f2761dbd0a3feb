import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, LaunchScreen } from './app/App';
import { browserKeyServices } from './features/keys/keyContext';
import { FhirClientApi } from './lib/fhir/fhirClientApi';
import { relaunch, startSmartSession } from './lib/fhir/smartLaunch';
import './index.css';

const element = document.getElementById('root');
if (!element) {
  throw new Error('index.html has no #root element');
}
const root = createRoot(element);
root.render(<LaunchScreen message="Starting the SMART launch…" />);

startSmartSession().then(
  (client) => {
    if (!client) {
      root.render(<LaunchScreen message="Redirecting to sign in…" />);
      return;
    }
    root.render(
      <StrictMode>
        <App api={new FhirClientApi(client)} keyServices={browserKeyServices()} relaunch={() => relaunch()} />
      </StrictMode>,
    );
  },
  (e: unknown) => root.render(<LaunchScreen error={e instanceof Error ? e.message : String(e)} />),
);
