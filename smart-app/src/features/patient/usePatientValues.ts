import { useEffect, useState } from 'react';
import { asApiError, codingKey, codingLabel, type ApiError, type HomocloudApi } from '../../lib/fhir/api';
import type { ValueDecryptor } from '../keys/keyContext';

/** One decrypted quantity of one Observation, rounded for display. */
export interface DecryptedRow {
  readonly observationId: string;
  readonly effective?: string;
  /** Groups rows into one chart: the code, plus the component path for multi-part Observations. */
  readonly seriesKey: string;
  readonly label: string;
  readonly value: number;
  readonly unit?: string;
  readonly logPrecision: number;
}

export type PatientValuesState =
  | { readonly state: 'idle' }
  | { readonly state: 'loading'; readonly done: number; readonly total: number; readonly rows: readonly DecryptedRow[] }
  | { readonly state: 'done'; readonly rows: readonly DecryptedRow[]; readonly failures: readonly string[] }
  | { readonly state: 'error'; readonly error: ApiError };

/**
 * Lists the patient's Observations with encrypted values and decrypts each in the browser
 * (GET Observation/ID/$encrypted-value, then the loaded key), one at a time so the page stays
 * responsive and shows progress. A decryption failure is kept per Observation; a request failure
 * (expired session, refused scope) stops the whole list.
 */
export function usePatientValues(
  api: HomocloudApi,
  patientId: string | undefined,
  decryptor: ValueDecryptor | null,
  onDecryptionError: (e: unknown) => string,
): PatientValuesState {
  const [state, setState] = useState<PatientValuesState>({ state: 'idle' });

  useEffect(() => {
    if (!patientId || !decryptor) {
      setState({ state: 'idle' });
      return;
    }
    let live = true;
    (async () => {
      const observations = await api.encryptedObservations(patientId);
      const rows: DecryptedRow[] = [];
      const failures: string[] = [];
      setState({ state: 'loading', done: 0, total: observations.length, rows: [] });
      for (const [index, observation] of observations.entries()) {
        const values = await api.encryptedValues(observation.id);
        for (const v of values) {
          try {
            const { values: [value], logPrecision } = decryptor.decrypt(v.ciphertext, 'stored-value', [v.slot]);
            const code = v.code ?? observation.code;
            const component = v.path === 'valueQuantity' ? '' : ` ${v.path}`;
            rows.push({
              observationId: observation.id,
              effective: observation.effective,
              seriesKey: `${codingKey(code)}${component}`,
              label: v.code ? codingLabel(v.code) : observation.codeText,
              value,
              unit: v.unit,
              logPrecision,
            });
          } catch (e) {
            failures.push(`Observation/${observation.id}: ${onDecryptionError(e)}`);
          }
        }
        if (!live) return;
        setState({ state: 'loading', done: index + 1, total: observations.length, rows: [...rows] });
        await new Promise((r) => setTimeout(r, 0)); // let the page paint between decryptions
      }
      if (live) setState({ state: 'done', rows, failures });
    })().catch((e) => {
      if (live) setState({ state: 'error', error: asApiError(e) });
    });
    return () => {
      live = false;
    };
  }, [api, patientId, decryptor, onDecryptionError]);

  return state;
}
