import { codingKey, codingLabel, type CohortCode, type Coding, type EncryptedRegressionResult } from '../../lib/fhir/api';
import type { ValueDecryptor } from '../keys/keyContext';

/**
 * The key holder's half of the encrypted linear regression, in the browser: decrypt the Gram matrix
 * G = A^T A of A = [1 | features | outcome] that $encrypted-regression computed on ciphertexts, then
 * solve the normal equations X^T X b = X^T y by Cholesky decomposition (he-engine's
 * EncryptedGram layout and LeastSquares, the same steps as the command line's `regression`).
 */

/** Index of Gram entry (i, j), i <= j, (i, j) != (0, 0): upper triangle in row order, less (0, 0). */
export function gramEntryIndex(columns: number, i: number, j: number): number {
  if (i > j || j >= columns || (i === 0 && j === 0)) throw new Error(`no Gram entry (${i}, ${j}) for ${columns} columns`);
  return i * columns - (i * (i - 1)) / 2 + (j - i) - 1;
}

/**
 * The codes a regression can take, one per coding: an Observation's code, or a panel component's in its own
 * right (the panel itself carries no value). A code seen both alone and in a panel is offered once; by label.
 */
export function regressionCodes(codes: readonly CohortCode[]): Coding[] {
  const byKey = new Map<string, Coding>();
  for (const c of codes) {
    const coding = c.component ?? c.code;
    if (!byKey.has(codingKey(coding))) byKey.set(codingKey(coding), coding);
  }
  return [...byKey.values()].sort((a, b) => codingLabel(a).localeCompare(codingLabel(b)));
}

export interface DecryptedGram {
  readonly gram: number[][];
  readonly logPrecision: number;
}

/** Decrypts every entry; G[0][0] is the public patient count. */
export function decryptGram(result: EncryptedRegressionResult, decryptor: ValueDecryptor): DecryptedGram {
  const { columns, blockSize, blocksPerCiphertext, grams } = result;
  const entries = (columns * (columns + 1)) / 2 - 1;
  if (grams.length * blocksPerCiphertext < entries) {
    throw new Error(`the server sent ${grams.length} Gram ciphertext(s) for ${entries} entries`);
  }
  // One decryption per ciphertext, reading every slot that holds an entry.
  let logPrecision = 52;
  const slots = grams.map((ciphertext, c) => {
    const wanted: number[] = [];
    for (let e = c * blocksPerCiphertext; e < Math.min(entries, (c + 1) * blocksPerCiphertext); e++) wanted.push((e % blocksPerCiphertext) * blockSize);
    const decrypted = decryptor.decrypt(ciphertext, 'statistic', wanted);
    logPrecision = Math.min(logPrecision, decrypted.logPrecision);
    return new Map(wanted.map((slot, k) => [slot, decrypted.values[k]]));
  });
  const gram = Array.from({ length: columns }, () => new Array<number>(columns).fill(0));
  gram[0][0] = result.count;
  for (let i = 0; i < columns; i++) {
    for (let j = i; j < columns; j++) {
      if (i === 0 && j === 0) continue;
      const e = gramEntryIndex(columns, i, j);
      const value = slots[Math.floor(e / blocksPerCiphertext)].get((e % blocksPerCiphertext) * blockSize);
      if (value === undefined) throw new Error(`Gram entry (${i}, ${j}) is missing from the decryption`);
      gram[i][j] = value;
      gram[j][i] = value;
    }
  }
  return { gram, logPrecision };
}

/** Coefficients b (intercept first) minimising |y - [1 X] b|, from G = [1 X y]^T [1 X y]. */
export function solveNormalEquations(gram: readonly (readonly number[])[]): number[] {
  const p = gram.length - 1;
  if (p < 2) throw new Error('the Gram matrix needs the intercept, a feature and the outcome');
  const l = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gram[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error('X^T X is not positive definite: the features are collinear, or too few patients have them all');
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = gram[i][p];
    for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
    z[i] = s / l[i][i];
  }
  const b = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= l[k][i] * b[k];
    b[i] = s / l[i][i];
  }
  return b;
}

export interface Coefficient {
  /** "intercept", or the feature's system|code. */
  readonly term: string;
  readonly label: string;
  readonly value: number;
}

/** Coefficients as CSV (RFC 4180), full double precision: they are computed from already rounded entries. */
export function regressionCsv(outcome: string, patients: number, coefficients: readonly Coefficient[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['outcome,term,label,coefficient,patients'];
  for (const c of coefficients) lines.push([quote(outcome), quote(c.term), quote(c.label), String(c.value), String(patients)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
