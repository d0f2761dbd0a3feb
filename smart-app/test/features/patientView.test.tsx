import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KeyPanel } from '../../src/features/keys/components/KeyPanel';
import { KeyProvider, useKeys, type KeyServices } from '../../src/features/keys/keyContext';
import { PatientView } from '../../src/features/patient/components/PatientView';
import { CkksError } from '../../src/lib/ckks';
import { ParameterCatalog, ResultDecryptor } from '../../src/lib/decryption/resultDecryptor';
import { ApiError } from '../../src/lib/fhir/api';
import { FakeApi, FakeDecryptor, fakeCiphertext, fakeKeyServices } from '../../src/testing/fakes';
import { useEffect } from 'react';
import { bytes, loadVectors } from '../ckks/vectors';

const patient = { id: 'p1', name: 'Grace Hopper' };
const glucose = { system: 'http://loinc.org', code: '2339-0', display: 'Glucose' };

/** Loads a key as the key panel would: the fake key services open any file with the passphrase "right". */
function LoadKey() {
  const { load } = useKeys();
  useEffect(() => {
    void load(new Blob([new Uint8Array(4)]), 'right', false);
  }, [load]);
  return null;
}

function renderView(api: FakeApi, services: KeyServices) {
  return render(
    <KeyProvider services={services}>
      <LoadKey />
      <KeyPanel />
      <PatientView api={api} patient={patient} />
    </KeyProvider>,
  );
}

describe('patient view', () => {
  it('decrypts each Observation with the real decryptor and shows a table and a chart per code', async () => {
    // The committed logN 14 vector stands in for $encrypted-value answers: its slots 0 and 1 are two
    // values, decrypted with the committed test key through the same code the browser runs.
    const v = loadVectors().find((x) => x.name === 'logn14-sk-top-real')!;
    const ciphertext = bytes(v.ciphertext);
    const api = new FakeApi();
    api.observations = [
      { id: 'o1', effective: '2020-01-05T10:00:00Z', code: glucose, codeText: 'Glucose' },
      { id: 'o2', effective: '2020-02-07T10:00:00Z', code: glucose, codeText: 'Glucose' },
    ];
    api.values = {
      o1: [{ path: 'valueQuantity', keySet: 'k', keySetVersion: 1, slot: 0, unit: 'mg/dL', ciphertext }],
      o2: [{ path: 'valueQuantity', keySet: 'k', keySetVersion: 1, slot: 1, unit: 'mg/dL', ciphertext }],
    };
    const secretKey = bytes(v.secretKey);
    const logN14 = bytes(v.parameters);
    const header = Array.from(secretKey.subarray(7, 23), (b) => b.toString(16).padStart(2, '0')).join('');
    const services = fakeKeyServices(() => new ResultDecryptor({ keySetId: 'k', fingerprintHex: header, secretKey: secretKey.slice() }, new ParameterCatalog([logN14])));
    renderView(api, services);

    await screen.findByRole('img', { name: /^Glucose \(mg\/dL\): 2 points/ }, { timeout: 15000 });
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const shown = rows.map((r) => Number(within(r).getAllByRole('cell')[2].textContent!.replace(/,/g, '')));
    const expected = [v.expectedRe![0], v.expectedRe![1]];
    console.log(`patient view shows ${shown.join(', ')}; encrypted ${expected.join(', ')}`);
    shown.forEach((s, i) => expect(Math.abs(s - expected[i])).toBeLessThanOrEqual(0.5e-4));
    expect(within(rows[0]).getByText('mg/dL')).toBeInTheDocument();
    expect(screen.getByTestId('precision-note')).toHaveTextContent('IND-CPA-D');
  }, 20000);

  it('a key that is not the data\'s shows "wrong key for this data" in the key panel', async () => {
    const api = new FakeApi();
    api.observations = [{ id: 'o1', effective: '2020-01-05', code: glucose, codeText: 'Glucose' }];
    api.values = { o1: [{ path: 'valueQuantity', keySet: 'k', keySetVersion: 1, slot: 0, ciphertext: fakeCiphertext(1) }] };
    const wrong = new CkksError('wrong-key', 'wrong key for this data: it was encrypted under parameters aa, and the loaded key belongs to parameters bb');
    renderView(api, fakeKeyServices(() => new FakeDecryptor(wrong)));

    expect(await screen.findByText('Wrong key for this data')).toBeInTheDocument();
    expect(await screen.findByText('1 value(s) could not be decrypted')).toBeInTheDocument();
  });

  it('a refused scope (403) and an expired session (401) are said as such', async () => {
    for (const [error, title] of [
      [new ApiError('forbidden', 'the server refused this request for the scopes you were granted', 403), /Refused: your sign-in does not allow this/],
      [new ApiError('session-expired', 'your session has expired: launch the app again to sign in', 401), /Your session has expired/],
    ] as const) {
      const api = new FakeApi();
      api.observations = error;
      const { unmount } = renderView(api, fakeKeyServices());
      expect(await screen.findByText(title)).toBeInTheDocument();
      if (error.kind === 'session-expired') expect(screen.getByRole('button', { name: 'Sign in again' })).toBeInTheDocument();
      unmount();
    }
  });

  it('asks for a key before decrypting anything', () => {
    const api = new FakeApi();
    render(
      <KeyProvider services={fakeKeyServices()}>
        <PatientView api={api} patient={patient} />
      </KeyProvider>,
    );
    expect(screen.getByText('No key loaded')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });
});
