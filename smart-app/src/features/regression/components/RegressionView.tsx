import { useId, useMemo, useState, type FormEvent } from 'react';
import { downloadCsv } from '../../../components/ui/downloadCsv';
import { JobProgressStatus } from '../../../components/ui/JobProgressStatus';
import { Notice } from '../../../components/ui/Notice';
import { asApiError, codingKey, codingLabel, type ApiError, type Coding, type HomocloudApi, type JobProgress } from '../../../lib/fhir/api';
import { useKeys } from '../../keys/keyContext';
import { ApiErrorNotice } from '../../session/components/ApiErrorNotice';
import { useObservationCodes } from '../../cohort/useObservationCodes';
import { decryptGram, regressionCodes, regressionCsv, solveNormalEquations, type Coefficient } from '../regression';

type RunState =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly progress: JobProgress }
  | { readonly state: 'done'; readonly outcome: Coding; readonly patients: number; readonly coefficients: Coefficient[]; readonly logPrecision: number }
  | { readonly state: 'failed'; readonly error: ApiError }
  | { readonly state: 'unsolvable'; readonly message: string };

const FIELD = 'mt-1 block w-full rounded border border-slate-500 px-2 py-1';

/**
 * Linear regression over the patients who have every chosen code: the server computes the Gram
 * matrix on ciphertexts ($encrypted-regression), this browser decrypts it and solves the normal
 * equations, so the coefficients exist only here.
 */
export function RegressionView({ api, download = downloadCsv }: { api: HomocloudApi; download?: (name: string, csv: string) => void }) {
  const { decryptor, reportDecryptionError } = useKeys();
  const { codes: cohortCodes, error: codesError } = useObservationCodes(api);
  // A panel component is a code of its own here: the server finds a code as an Observation's code or a
  // component's (combo-code), so systolic pressure is one choice whether it came alone or in a panel.
  const codes = useMemo(() => (cohortCodes ? regressionCodes(cohortCodes) : null), [cohortCodes]);
  const [outcomeKey, setOutcomeKey] = useState('');
  const [featureKeys, setFeatureKeys] = useState<string[]>([]);
  const [aggregate, setAggregate] = useState<'latest' | 'mean'>('latest');
  const [run, setRun] = useState<RunState>({ state: 'idle' });
  const id = useId();

  const byKey = (key: string) => codes?.find((c) => codingKey(c) === key);
  const toggle = (key: string) => setFeatureKeys((keys) => (keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = byKey(outcomeKey);
    const features = featureKeys.filter((k) => k !== outcomeKey).map(byKey).filter((c): c is Coding => !!c);
    if (!outcome || features.length === 0 || !decryptor) return;
    setRun({ state: 'running', progress: { state: 'submitted' } });
    let result;
    try {
      result = await api.encryptedRegression({ outcome, features, aggregate }, (progress) => setRun({ state: 'running', progress }));
    } catch (e) {
      setRun({ state: 'failed', error: asApiError(e) });
      return;
    }
    let decrypted;
    try {
      decrypted = decryptGram(result, decryptor);
    } catch (e) {
      setRun({ state: 'unsolvable', message: reportDecryptionError(e) });
      return;
    }
    try {
      const b = solveNormalEquations(decrypted.gram);
      const coefficients: Coefficient[] = [
        { term: 'intercept', label: 'Intercept', value: b[0] },
        ...features.map((f, i) => ({ term: codingKey(f), label: codingLabel(f), value: b[i + 1] })),
      ];
      setRun({ state: 'done', outcome, patients: result.count, coefficients, logPrecision: decrypted.logPrecision });
    } catch (e) {
      setRun({ state: 'unsolvable', message: e instanceof Error ? e.message : String(e) });
    }
  };

  const ready = !!decryptor && !!outcomeKey && featureKeys.some((k) => k !== outcomeKey) && run.state !== 'running';
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Linear regression
      </h2>
      {codesError ? <ApiErrorNotice error={codesError} /> : null}
      <form onSubmit={(e) => void submit(e)} className="mt-2 grid max-w-2xl gap-3">
        <div>
          <label htmlFor={`${id}-outcome`} className="block text-sm font-medium">
            Outcome
          </label>
          <select id={`${id}-outcome`} value={outcomeKey} onChange={(e) => setOutcomeKey(e.target.value)} required className={FIELD}>
            <option value="">{codes === null && !codesError ? 'Loading codes…' : 'Choose the code to explain'}</option>
            {(codes ?? []).map((c) => (
              <option key={codingKey(c)} value={codingKey(c)}>
                {codingLabel(c)} ({c.code})
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend className="text-sm font-medium">Features</legend>
          <div className="mt-1 grid max-h-56 gap-1 overflow-y-auto rounded border border-slate-300 p-2 sm:grid-cols-2">
            {(codes ?? [])
              .filter((c) => codingKey(c) !== outcomeKey)
              .map((c) => (
                <label key={codingKey(c)} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={featureKeys.includes(codingKey(c))} onChange={() => toggle(codingKey(c))} />
                  {codingLabel(c)} ({c.code})
                </label>
              ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor={`${id}-aggregate`} className="block text-sm font-medium">
            Value per patient
          </label>
          <select id={`${id}-aggregate`} value={aggregate} onChange={(e) => setAggregate(e.target.value as 'latest' | 'mean')} className={FIELD}>
            <option value="latest">Latest value of each code</option>
            <option value="mean">Mean of each code's values</option>
          </select>
        </div>
        <div>
          <button
            type="submit"
            disabled={!ready}
            className="rounded bg-blue-800 px-3 py-2 text-white hover:bg-blue-900 disabled:bg-slate-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-blue-700"
          >
            Compute encrypted regression
          </button>
          {!decryptor ? <p className="mt-1 text-sm text-slate-700">Load the key first: the coefficients are solved in this browser.</p> : null}
        </div>
      </form>

      {run.state === 'running' ? <JobProgressStatus progress={run.progress} /> : null}
      {run.state === 'failed' ? <ApiErrorNotice error={run.error} /> : null}
      {run.state === 'unsolvable' ? <Notice tone="error" title="No coefficients">{run.message}</Notice> : null}
      {run.state === 'done' ? (
        <div className="mt-4">
          <h3 className="font-semibold">
            {codingLabel(run.outcome)}: {run.patients.toLocaleString('en-US')} patients
          </h3>
          <table className="mt-2 text-sm">
            <caption className="sr-only">Regression coefficients</caption>
            <thead>
              <tr className="border-b border-slate-400 text-left">
                <th scope="col" className="py-1 pr-6">Term</th>
                <th scope="col" className="py-1 text-right">Coefficient</th>
              </tr>
            </thead>
            <tbody>
              {run.coefficients.map((c) => (
                <tr key={c.term} className="border-b border-slate-200">
                  <th scope="row" className="py-1 pr-6 text-left font-medium">{c.label}</th>
                  <td className="py-1 text-right tabular-nums">{c.value.toPrecision(6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-sm text-slate-700" data-testid="precision-note">
            The Gram matrix was rounded to a multiple of 2<sup>-{run.logPrecision}</sup> when it was decrypted, in your browser (the
            last bits of a CKKS decryption carry encryption noise that can help an attacker recover the key: IND-CPA-D, see
            SECURITY.md); the coefficients are solved from those rounded entries, so every digit shown or exported is safe to publish.
          </p>
          <button
            type="button"
            onClick={() => download(`regression-${run.outcome.code ?? 'result'}.csv`, regressionCsv(codingKey(run.outcome), run.patients, run.coefficients))}
            className="mt-3 rounded border border-blue-800 px-3 py-2 text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700"
          >
            Export CSV
          </button>
        </div>
      ) : null}
    </section>
  );
}
