/**
 * Placeholder shown at /app until the SMART on FHIR app lands: it says what the app will do.
 */
export function App() {
  return (
    <main className="mx-auto max-w-2xl p-8 font-sans text-slate-800">
      <h1 className="text-3xl font-semibold">Homocloud</h1>
      <p className="mt-4">
        A FHIR R4 server that stores Observation values as CKKS ciphertexts and computes statistics on them without
        decrypting.
      </p>
      <h2 className="mt-8 text-xl font-semibold">This app, when it is built</h2>
      <ul className="mt-2 list-disc pl-6">
        <li>launches as a SMART on FHIR app against this server;</li>
        <li>asks for an encrypted mean or regression over a cohort's Observations;</li>
        <li>decrypts the result in the browser with the data custodian's key, which never reaches the server.</li>
      </ul>
      <p className="mt-8">
        The FHIR API is at <a className="text-blue-700 underline" href="/fhir/metadata">/fhir</a>.
      </p>
    </main>
  );
}
