import { useId, useState, type FormEvent } from 'react';
import { downloadCsv } from '../../../components/ui/downloadCsv';
import { LineChart } from '../../../components/ui/LineChart';
import { JobProgressStatus } from '../../../components/ui/JobProgressStatus';
import { Notice } from '../../../components/ui/Notice';
import { PrecisionNote } from '../../../components/ui/PrecisionNote';
import { displayValue } from '../../../components/ui/format';
import { asApiError, cohortCodeKey, cohortCodeLabel, type ApiError, type CohortCode, type CohortQuery, type HomocloudApi, type JobProgress } from '../../../lib/fhir/api';
import { useKeys } from '../../keys/keyContext';
import { ApiErrorNotice } from '../../session/components/ApiErrorNotice';
import { useObservationCodes } from '../useObservationCodes';
import { cohortCsv, decryptCohort, STATISTIC_LABELS, type DecryptedCohort } from '../cohortResult';

type RunState =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly progress: JobProgress }
  | { readonly state: 'done'; readonly cohort: DecryptedCohort; readonly code: CohortCode }
  | { readonly state: 'failed'; readonly error: ApiError }
  | { readonly state: 'undecryptable'; readonly message: string };

const FIELD = 'mt-1 block w-full rounded border border-slate-500 px-2 py-1';

/** Cohort analytics: an encrypted mean over the chosen Observations, decrypted here, with a monthly chart and CSV. */
export function CohortView({ api, download = downloadCsv }: { api: HomocloudApi; download?: (name: string, csv: string) => void }) {
  const { decryptor, reportDecryptionError } = useKeys();
  const { codes, error: codesError } = useObservationCodes(api);
  const [codeKey, setCodeKey] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [gender, setGender] = useState('');
  const [minAge, setMinAge] = useState('');
  const [maxAge, setMaxAge] = useState('');
  // Off by default: a month needs the server's minimum cohort size on its own, which small data sets rarely reach.
  const [monthly, setMonthly] = useState(false);
  const [run, setRun] = useState<RunState>({ state: 'idle' });
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const code = codes?.find((c) => cohortCodeKey(c) === codeKey);
    if (!code || !decryptor) return;
    const query: CohortQuery = {
      code: code.code,
      component: code.component,
      from: from || undefined,
      to: to || undefined,
      gender: (gender || undefined) as CohortQuery['gender'],
      minAge: minAge === '' ? undefined : Number(minAge),
      maxAge: maxAge === '' ? undefined : Number(maxAge),
      groupByMonth: monthly,
    };
    setRun({ state: 'running', progress: { state: 'submitted' } });
    let result;
    try {
      result = await api.encryptedMean(query, (progress) => setRun({ state: 'running', progress }));
    } catch (e) {
      setRun({ state: 'failed', error: asApiError(e) });
      return;
    }
    try {
      setRun({ state: 'done', cohort: decryptCohort(result, decryptor), code });
    } catch (e) {
      setRun({ state: 'undecryptable', message: reportDecryptionError(e) });
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Cohort statistics
      </h2>
      {codesError ? <ApiErrorNotice error={codesError} /> : null}
      <form onSubmit={(e) => void submit(e)} className="mt-2 grid max-w-2xl gap-3 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-code`} className="block text-sm font-medium">
            Observation code
          </label>
          <select id={`${id}-code`} value={codeKey} onChange={(e) => setCodeKey(e.target.value)} required className={FIELD}>
            <option value="">{codes === null && !codesError ? 'Loading codes…' : 'Choose a code'}</option>
            {(codes ?? []).map((c) => (
              <option key={cohortCodeKey(c)} value={cohortCodeKey(c)}>
                {c.component
                  ? `${cohortCodeLabel(c)} (${c.component.code} in ${c.code.code})`
                  : `${cohortCodeLabel(c)} (${c.code.code})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="block text-sm font-medium">From</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} className={FIELD} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="block text-sm font-medium">To</label>
          <input id={`${id}-to`} type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className={FIELD} />
        </div>
        <div>
          <label htmlFor={`${id}-gender`} className="block text-sm font-medium">Gender</label>
          <select id={`${id}-gender`} value={gender} onChange={(e) => setGender(e.target.value)} className={FIELD}>
            <option value="">Any</option>
            <option value="female">Female</option>
            <option value="male">Male</option>
            <option value="other">Other</option>
            <option value="unknown">Unknown</option>
          </select>
        </div>
        <fieldset className="grid grid-cols-2 gap-2">
          <legend className="text-sm font-medium">Age (years)</legend>
          <div>
            <label htmlFor={`${id}-min-age`} className="block text-sm">Minimum</label>
            <input id={`${id}-min-age`} type="number" min={0} max={130} value={minAge} onChange={(e) => setMinAge(e.target.value)} className={FIELD} />
          </div>
          <div>
            <label htmlFor={`${id}-max-age`} className="block text-sm">Maximum</label>
            <input id={`${id}-max-age`} type="number" min={0} max={130} value={maxAge} onChange={(e) => setMaxAge(e.target.value)} className={FIELD} />
          </div>
        </fieldset>
        <div className="flex items-center gap-2 sm:col-span-2">
          <input id={`${id}-monthly`} type="checkbox" checked={monthly} onChange={(e) => setMonthly(e.target.checked)} />
          <label htmlFor={`${id}-monthly`} className="text-sm">Monthly means</label>
        </div>
        <div className="sm:col-span-2">
          <button
            type="submit"
            disabled={!decryptor || !codeKey || run.state === 'running'}
            className="rounded bg-blue-800 px-3 py-2 text-white hover:bg-blue-900 disabled:bg-slate-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-blue-700"
          >
            Compute encrypted mean
          </button>
          {!decryptor ? <p className="mt-1 text-sm text-slate-700">Load the key first: the result is decrypted in this browser.</p> : null}
        </div>
      </form>

      {run.state === 'running' ? <JobProgressStatus progress={run.progress} /> : null}
      {run.state === 'failed' ? <ApiErrorNotice error={run.error} /> : null}
      {run.state === 'undecryptable' ? <Notice tone="error" title="The result could not be decrypted">{run.message}</Notice> : null}
      {run.state === 'done' ? <CohortResult cohort={run.cohort} code={run.code} download={download} /> : null}
    </section>
  );
}

function CohortResult({ cohort, code, download }: { cohort: DecryptedCohort; code: CohortCode; download: (name: string, csv: string) => void }) {
  const means = cohort.monthly.filter((v) => v.name === 'mean');
  return (
    <div className="mt-4">
      <h3 className="font-semibold">
        {cohortCodeLabel(code)}: {cohort.count.toLocaleString('en-US')} Observations
      </h3>
      <table className="mt-2 text-sm">
        <caption className="sr-only">Decrypted statistics</caption>
        <tbody>
          <tr>
            <th scope="row" className="pr-6 text-left font-medium">Count</th>
            <td className="text-right tabular-nums">{cohort.count.toLocaleString('en-US')}</td>
          </tr>
          {cohort.patients !== undefined ? (
            <tr>
              <th scope="row" className="pr-6 text-left font-medium">Patients</th>
              <td className="text-right tabular-nums">{cohort.patients.toLocaleString('en-US')}</td>
            </tr>
          ) : null}
          {cohort.overall.map((v) => (
            <tr key={v.name}>
              <th scope="row" className="pr-6 text-left font-medium">{STATISTIC_LABELS[v.name]}</th>
              <td className="text-right tabular-nums">{displayValue(v.value, cohort.logPrecision)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {means.length > 0 ? <LineChart title={`Monthly mean of ${cohortCodeLabel(code)}`} points={means.map((m) => ({ x: m.group!, y: m.value }))} /> : null}
      <PrecisionNote logPrecision={cohort.logPrecision} />
      <button
        type="button"
        onClick={() => download(`cohort-${(code.component ?? code.code).code ?? 'result'}.csv`, cohortCsv(cohort, cohortCodeKey(code)))}
        className="mt-3 rounded border border-blue-800 px-3 py-2 text-blue-900 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-700"
      >
        Export CSV
      </button>
    </div>
  );
}
