import FHIR from 'fhirclient';
import { env } from '../../config/env';
import type { FhirRequester } from './fhirClientApi';

/**
 * SMART App Launch through fhirclient: an EHR launch (`?iss=...&launch=...`) or a standalone
 * launch against this server's own /fhir goes to the authorization server; the redirect back
 * (`?code=...`) or a reload of an authorized tab resumes the session.
 *
 * @returns the authorized client, or null while the browser is being redirected to sign in
 */
export async function startSmartSession(location: Location = window.location): Promise<FhirRequester | null> {
  const params = new URLSearchParams(location.search);
  const resuming = params.has('code') || params.has('state') || sessionStorage.getItem('SMART_KEY') !== null;
  if (resuming && !params.has('launch')) {
    return FHIR.oauth2.ready();
  }
  await FHIR.oauth2.authorize({
    iss: params.get('iss') ?? new URL(env.fhirBase, location.origin).href,
    launch: params.get('launch') ?? undefined,
    clientId: env.clientId,
    scope: env.scopes,
    redirectUri: location.pathname,
  });
  return null;
}

/** Starts over: a new authorization, after the session expired. */
export async function relaunch(location: Location = window.location): Promise<void> {
  sessionStorage.removeItem('SMART_KEY');
  await FHIR.oauth2.authorize({
    iss: new URL(env.fhirBase, location.origin).href,
    clientId: env.clientId,
    scope: env.scopes,
    redirectUri: location.pathname,
  });
}
