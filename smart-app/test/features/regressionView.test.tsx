import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { RegressionView } from '../../src/features/regression/components/RegressionView';
import { decryptGram, gramEntryIndex, regressionCodes, regressionCsv, solveNormalEquations } from '../../src/features/regression/regression';
import { KeyProvider, useKeys } from '../../src/features/keys/keyContext';
import type { EncryptedRegressionResult, RegressionQuery } from '../../src/lib/fhir/api';
import { FakeApi, FakeDecryptor, fakeKeyServices, fakeSlotsCiphertext } from '../../src/testing/fakes';

const loinc = (code: string, display: string) => ({ system: 'http://loinc.org', code, display });
const weight = loinc('29463-7', 'Body weight');
const height = loinc('8302-2', 'Body height');
const bmi = loinc('39156-5', 'BMI');
const systolic = loinc('8480-6', 'Systolic');

/** Patients with y = 2 + 3 x1 - x2 exactly, and the Gram matrix of [1 | x1 x2 | y]. */
function exactData() {
  const x = [
    [1, 4],
    [2, 1],
    [3, 7],
    [5, 2],
    [8, 3],
  ];
  const y = x.map(([a, b]) => 2 + 3 * a - b);
  const rows = x.map((r, i) => [1, ...r, y[i]]);
  const gram = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  return { gram, patients: x.length };
}

/** The server's layout: upper triangle less (0, 0), entry e in ciphertext e / blocks at slot (e % blocks) * blockSize. */
function encryptedGram(gram: number[][], patients: number, blockSize: number, blocks: number): EncryptedRegressionResult {
  const columns = gram.length;
  const entries: number[] = [];
  for (let i = 0; i < columns; i++) for (let j = i; j < columns; j++) if (i || j) entries.push(gram[i][j]);
  const grams = [];
  for (let c = 0; c * blocks < entries.length; c++) {
    const slots = new Array<number>(blocks * blockSize).fill(0);
    entries.slice(c * blocks, (c + 1) * blocks).forEach((v, k) => (slots[k * blockSize] = v));
    grams.push(fakeSlotsCiphertext(slots));
  }
  return { count: patients, keySet: 'k', keySetVersion: 1, columns, blockSize, blocksPerCiphertext: blocks, grams };
}

function LoadKey() {
  const { load } = useKeys();
  useEffect(() => void load(new Blob([new Uint8Array(4)]), 'right', false), [load]);
  return null;
}

describe('linear regression, solved in the browser', () => {
  it('numbers the Gram entries as he-engine EncryptedGram does', () => {
    const order = [];
    for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) if (i || j) order.push(gramEntryIndex(4, i, j));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => gramEntryIndex(4, 0, 0)).toThrow();
    expect(() => gramEntryIndex(4, 2, 1)).toThrow();
  });

  it('decrypts the packed Gram matrix and recovers exact coefficients', () => {
    const { gram, patients } = exactData();
    const decrypted = decryptGram(encryptedGram(gram, patients, 2, 4), new FakeDecryptor());
    expect(decrypted.gram).toEqual(gram);
    expect(decrypted.logPrecision).toBe(16);
    const b = solveNormalEquations(decrypted.gram);
    [2, 3, -1].forEach((want, i) => expect(Math.abs(b[i] - want)).toBeLessThan(1e-9));
  });

  it('refuses collinear features with a reason', () => {
    const rows = [1, 2, 3, 4].map((a) => [1, a, 2 * a, 5 * a + 1]);
    const gram = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
    expect(() => solveNormalEquations(gram)).toThrow(/collinear/);
  });

  it('the view: outcome and features from the server\'s codes, coefficients with their features, CSV', async () => {
    const api = new FakeApi();
    api.codes = [{ code: weight }, { code: height }, { code: bmi }, { code: loinc('55284-4', 'BP'), component: systolic }];
    const { gram, patients } = exactData();
    let seen: RegressionQuery | undefined;
    api.regression = async (query) => {
      seen = query;
      return encryptedGram(gram, patients, 4, 8);
    };
    const downloads: { name: string; csv: string }[] = [];
    render(
      <KeyProvider services={fakeKeyServices(() => new FakeDecryptor())}>
        <LoadKey />
        <RegressionView api={api} download={(name, csv) => downloads.push({ name, csv })} />
      </KeyProvider>,
    );
    const outcome = screen.getByLabelText('Outcome');
    await within(outcome).findByRole('option', { name: 'BMI (39156-5)' });
    // A panel component is a code of its own (the server searches combo-code); the panel has no value.
    expect(within(outcome).getByRole('option', { name: /Systolic/ })).toBeInTheDocument();
    expect(within(outcome).queryByRole('option', { name: /^BP/ })).toBeNull();
    fireEvent.change(outcome, { target: { value: 'http://loinc.org|39156-5' } });
    const features = screen.getByRole('group', { name: 'Features' });
    expect(within(features).queryByLabelText('BMI (39156-5)')).toBeNull(); // the outcome is not offered as a feature
    fireEvent.click(within(features).getByLabelText('Body weight (29463-7)'));
    fireEvent.click(within(features).getByLabelText('Body height (8302-2)'));
    const run = screen.getByRole('button', { name: 'Compute encrypted regression' });
    await waitFor(() => expect(run).toBeEnabled());
    fireEvent.click(run);

    expect(await screen.findByText('BMI: 5 patients')).toBeInTheDocument();
    expect(seen).toEqual({ outcome: bmi, features: [weight, height], aggregate: 'latest' });
    const table = screen.getByRole('table', { name: 'Regression coefficients' });
    expect(within(within(table).getByRole('row', { name: /Intercept/ })).getByRole('cell')).toHaveTextContent('2.00000');
    expect(within(within(table).getByRole('row', { name: /Body weight/ })).getByRole('cell')).toHaveTextContent('3.00000');
    expect(within(within(table).getByRole('row', { name: /Body height/ })).getByRole('cell')).toHaveTextContent('-1.00000');
    expect(screen.getByTestId('precision-note')).toHaveTextContent('2-16');

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(downloads[0].name).toBe('regression-39156-5.csv');
    const lines = downloads[0].csv.split('\r\n');
    expect(lines[0]).toBe('outcome,term,label,coefficient,patients');
    expect(lines[1]).toMatch(/^http:\/\/loinc.org\|39156-5,intercept,Intercept,(1\.99999|2(\.0+)?)[0-9]*,5$/);
    expect(lines[2]).toMatch(/^http:\/\/loinc.org\|39156-5,http:\/\/loinc.org\|29463-7,Body weight,(2\.99999|3(\.0+)?)[0-9]*,5$/);
    expect(lines).toHaveLength(5);
  });

  it('offers each coding once: a component in its own right, a code seen alone and in a panel once', () => {
    const panel = loinc('55284-4', 'BP');
    const codes = regressionCodes([{ code: weight }, { code: panel, component: systolic }, { code: systolic }, { code: bmi }]);
    expect(codes.map((c) => c.code)).toEqual(['39156-5', '29463-7', '8480-6']);
  });

  it('CSV quotes fields that need it', () => {
    expect(regressionCsv('a,b', 3, [{ term: 'intercept', label: 'say "hi"', value: 1.5 }])).toContain('"a,b",intercept,"say ""hi""",1.5,3');
  });
});
