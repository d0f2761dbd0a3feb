import { LineChart } from '../../../components/ui/LineChart';
import { Notice } from '../../../components/ui/Notice';
import { PrecisionNote } from '../../../components/ui/PrecisionNote';
import { displayValue, formatDate } from '../../../components/ui/format';
import type { HomocloudApi, PatientSummary } from '../../../lib/fhir/api';
import { ApiErrorNotice } from '../../session/components/ApiErrorNotice';
import { useKeys } from '../../keys/keyContext';
import { usePatientValues, type DecryptedRow } from '../usePatientValues';

/** The patient in context: every encrypted Observation value, decrypted here, as a table and charts per code. */
export function PatientView({ api, patient }: { api: HomocloudApi; patient: PatientSummary | null }) {
  const { decryptor, reportDecryptionError } = useKeys();
  const state = usePatientValues(api, patient?.id, decryptor, reportDecryptionError);

  if (!patient) {
    return <Notice tone="info" title="No patient in context">Launch the app from a patient's record, or pick a patient when you sign in, to see their values.</Notice>;
  }
  if (!decryptor) {
    return <Notice tone="info" title="No key loaded">Load the key file above to decrypt {patient.name}'s values.</Notice>;
  }
  if (state.state === 'error') return <ApiErrorNotice error={state.error} />;
  if (state.state === 'idle') return null;

  const rows = state.rows;
  const series = groupBy(rows, (r) => r.seriesKey);
  return (
    <section aria-labelledby="patient-title">
      <h2 id="patient-title" className="text-lg font-semibold">
        {patient.name}: encrypted values
      </h2>
      {state.state === 'loading' ? (
        <div role="status" className="mt-2 text-sm">
          Decrypting in your browser: {state.done} of {state.total} Observations
          <progress className="ml-2 align-middle" max={state.total || 1} value={state.done} aria-label="Decryption progress" />
        </div>
      ) : null}
      {state.state === 'done' && rows.length === 0 && state.failures.length === 0 ? (
        <Notice tone="info" title="No encrypted values">This patient has no Observations with encrypted values.</Notice>
      ) : null}
      {state.state === 'done' && state.failures.length > 0 ? (
        <Notice tone="error" title={`${state.failures.length} value(s) could not be decrypted`}>
          <ul className="list-disc pl-5">
            {state.failures.slice(0, 5).map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {rows.length > 0 ? (
        <>
          <PrecisionNote logPrecision={rows[0].logPrecision} />
          <div className="mt-2 grid gap-4 md:grid-cols-2">
            {[...series.entries()].map(([key, points]) => (
              <LineChart
                key={key}
                title={points[0].label}
                unit={points[0].unit}
                points={points.filter((p) => p.effective).map((p) => ({ x: p.effective!, y: p.value }))}
              />
            ))}
          </div>
          <table className="mt-4 w-full border-collapse text-sm">
            <caption className="sr-only">Decrypted Observation values of {patient.name}</caption>
            <thead>
              <tr className="border-b border-slate-400 text-left">
                <th scope="col" className="py-1 pr-4">Date</th>
                <th scope="col" className="py-1 pr-4">Observation</th>
                <th scope="col" className="py-1 pr-4 text-right">Value</th>
                <th scope="col" className="py-1">Unit</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.observationId}-${i}`} className="border-b border-slate-200">
                  <td className="py-1 pr-4">{formatDate(r.effective)}</td>
                  <td className="py-1 pr-4">{r.label}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">{displayValue(r.value, r.logPrecision)}</td>
                  <td className="py-1">{r.unit ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

function groupBy(rows: readonly DecryptedRow[], key: (r: DecryptedRow) => string): Map<string, DecryptedRow[]> {
  const out = new Map<string, DecryptedRow[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}
