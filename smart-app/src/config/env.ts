/**
 * Build-time settings (Vite `VITE_*` variables), checked once at start-up so a bad value fails
 * loudly rather than as a confusing OAuth error later.
 */
function read(name: string, fallback: string): string {
  const value = (import.meta.env[name] as string | undefined) ?? fallback;
  if (!value.trim()) throw new Error(`${name} is empty: set it or leave it unset for the default "${fallback}"`);
  return value;
}

export const env = {
  /** The FHIR base URL of a standalone launch, relative to the app's origin. */
  fhirBase: read('VITE_FHIR_BASE', '/fhir'),
  /** The client id registered with the server's authorization server. */
  clientId: read('VITE_SMART_CLIENT_ID', 'homocloud-smart-app'),
  /** Record-level (patient view) and aggregate (cohort) reads, the user's identity, the EHR's patient. */
  scopes: read(
    'VITE_SMART_SCOPES',
    'openid fhirUser launch launch/patient patient/Patient.rs patient/Observation.rs user/Patient.rs user/Practitioner.rs user/Observation.rs user/Observation.$encrypted-aggregate',
  ),
} as const;
