import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { CohortView } from '../../src/features/cohort/components/CohortView';
import { cohortCsv } from '../../src/features/cohort/cohortResult';
import { KeyProvider, useKeys } from '../../src/features/keys/keyContext';
import { ApiError, type EncryptedMeanResult } from '../../src/lib/fhir/api';
import { FakeApi, FakeDecryptor, fakeCiphertext, fakeKeyServices } from '../../src/testing/fakes';

const glucose = { system: 'http://loinc.org', code: '2339-0', display: 'Glucose' };

function LoadKey() {
  const { load } = useKeys();
  useEffect(() => void load(new Blob([new Uint8Array(4)]), 'right', false), [load]);
  return null;
}

function renderCohort(api: FakeApi) {
  const downloads: { name: string; csv: string }[] = [];
  render(
    <KeyProvider services={fakeKeyServices(() => new FakeDecryptor())}>
      <LoadKey />
      <CohortView api={api} download={(name, csv) => downloads.push({ name, csv })} />
    </KeyProvider>,
  );
  return downloads;
}

const result: EncryptedMeanResult = {
  count: 1234,
  patients: 321,
  keySet: 'k',
  keySetVersion: 1,
  statistics: [
    { name: 'mean', ciphertext: fakeCiphertext(101.25) },
    { name: 'variance', ciphertext: fakeCiphertext(16.5) },
    { name: 'mean', group: '2020-02', ciphertext: fakeCiphertext(99.5) },
    { name: 'mean', group: '2020-01', ciphertext: fakeCiphertext(103) },
  ],
};

async function choose(api: FakeApi) {
  const select = screen.getByLabelText('Observation code');
  await within(select).findByRole('option', { name: 'Glucose (2339-0)' });
  fireEvent.change(select, { target: { value: 'http://loinc.org|2339-0' } });
  fireEvent.change(screen.getByLabelText('From'), { target: { value: '2020-01-01' } });
  fireEvent.change(screen.getByLabelText('Gender'), { target: { value: 'female' } });
  fireEvent.change(screen.getByLabelText('Minimum'), { target: { value: '40' } });
  fireEvent.click(screen.getByLabelText('Monthly means'));
  const run = screen.getByRole('button', { name: 'Compute encrypted mean' });
  await waitFor(() => expect(run).toBeEnabled()); // once the key is loaded
  expect(api.calls).toEqual(['codes']);
  return run;
}

describe('cohort view', () => {
  it('runs an encrypted mean with progress, shows the decrypted result and a monthly chart, exports CSV', async () => {
    const api = new FakeApi();
    api.codes = [{ code: glucose }];
    let seen: unknown;
    let finish!: () => void;
    api.mean = (query, onProgress) => {
      seen = query;
      onProgress?.({ state: 'running', fraction: 0.4 });
      return new Promise((resolve) => (finish = () => resolve(result)));
    };
    const downloads = renderCohort(api);
    const run = await choose(api);
    fireEvent.click(run);

    expect(await screen.findByText('The server is computing on encrypted values…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Computation progress' })).toHaveAttribute('value', '0.4');
    expect(seen).toEqual({ code: glucose, component: undefined, from: '2020-01-01', to: undefined, gender: 'female', minAge: 40, maxAge: undefined, groupByMonth: true });
    finish();

    expect(await screen.findByText('Glucose: 1,234 Observations')).toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: /Patients/ })).getByRole('cell')).toHaveTextContent('321');
    const mean = screen.getByRole('row', { name: /Mean/ });
    expect(within(mean).getByRole('cell')).toHaveTextContent('101.25');
    expect(screen.getByRole('img', { name: /Monthly mean of Glucose: 2 points from 2020-01 to 2020-02/ })).toBeInTheDocument();
    expect(screen.getByTestId('precision-note')).toHaveTextContent('2-16');

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(downloads).toHaveLength(1);
    expect(downloads[0].name).toBe('cohort-2339-0.csv');
    expect(downloads[0].csv.split('\r\n')).toEqual([
      'code,group,statistic,value,count,rounded_to',
      'http://loinc.org|2339-0,all,mean,101.25000,1234,2^-16',
      'http://loinc.org|2339-0,all,variance,16.50000,1234,2^-16',
      'http://loinc.org|2339-0,2020-01,mean,103.00000,1234,2^-16',
      'http://loinc.org|2339-0,2020-02,mean,99.50000,1234,2^-16',
      '',
    ]);
  });

  it('a cohort below the minimum size (422) shows the server\'s reason and how to widen it', async () => {
    const api = new FakeApi();
    api.codes = [{ code: glucose }];
    api.mean = async () => {
      throw new ApiError('cohort-too-small', 'the cohort has 3 patients; statistics need at least 10', 422);
    };
    renderCohort(api);
    fireEvent.click(await choose(api));
    const alert = await screen.findByText('Cohort below the minimum size');
    expect(alert.parentElement).toHaveTextContent('the cohort has 3 patients; statistics need at least 10');
    expect(alert.parentElement).toHaveTextContent('Widen the date range');
  });

  it('offers panel components on their own and asks for the component of the panel', async () => {
    const api = new FakeApi();
    const panel = { system: 'http://loinc.org', code: '55284-4', display: 'Blood pressure' };
    const systolic = { system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' };
    api.codes = [{ code: glucose }, { code: panel, component: systolic }];
    let seen: unknown;
    api.mean = async (query) => {
      seen = query;
      return { count: 330, keySet: 'k', keySetVersion: 1, statistics: [{ name: 'mean', ciphertext: fakeCiphertext(124.5) }] };
    };
    renderCohort(api);
    const select = screen.getByLabelText('Observation code');
    await within(select).findByRole('option', { name: 'Systolic blood pressure in Blood pressure (8480-6 in 55284-4)' });
    expect(screen.getByLabelText('Monthly means')).not.toBeChecked();
    fireEvent.change(select, { target: { value: 'http://loinc.org|55284-4 http://loinc.org|8480-6' } });
    const run = screen.getByRole('button', { name: 'Compute encrypted mean' });
    await waitFor(() => expect(run).toBeEnabled());
    fireEvent.click(run);

    expect(await screen.findByText('Systolic blood pressure in Blood pressure: 330 Observations')).toBeInTheDocument();
    expect(seen).toMatchObject({ code: panel, component: systolic, groupByMonth: false });
  });

  it('CSV quotes fields that need it', () => {
    const csv = cohortCsv({ count: 1, logPrecision: 16, overall: [{ name: 'mean', value: 1 }], monthly: [] }, 'a,"b"');
    expect(csv).toContain('"a,""b""",all,mean,1.00000,1,2^-16');
  });
});
