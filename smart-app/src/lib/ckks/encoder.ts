import { toCenteredDoubles } from './crt';
import type { Plaintext } from './decryptor';
import { CkksError } from './errors';
import type { CkksParameters } from './parameters';

/** Complex slot values. */
export interface Slots {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * Decodes a decrypted plaintext as he-engine's ckks/Encoder.decode: CRT to centered values,
 * pick the coefficients of the (possibly sparse, gap N/(2 slots)) packing, divide by the scale,
 * and apply the special FFT over the rotation group 5^j.
 *
 * Fails with "wrong key for this data" when the decryption is noise rather than a message: with
 * the right key the centered coefficients are far below Q (message times scale), with a wrong
 * one they spread uniformly over (-Q/2, Q/2].
 */
export function decode(pt: Plaintext, parameters: CkksParameters): Slots {
  const n = parameters.n;
  const primes = parameters.qPrimes.slice(0, pt.level + 1);
  const centered = toCenteredDoubles(pt.coefficients, primes);
  checkLooksLikeMessage(centered, primes);
  const slots = 1 << pt.logSlots;
  const gap = n / (2 * slots);
  const re = new Float64Array(slots);
  const im = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    re[i] = centered[i * gap] / pt.scale;
    im[i] = centered[n / 2 + i * gap] / pt.scale;
  }
  specialFft(re, im, slots, n);
  return { re, im };
}

/**
 * Decodes the real parts and rounds each to a multiple of 2^-logPrecision, as
 * Encoder.decodeRealPublic: the low-order bits of an exact CKKS decryption carry the encryption
 * noise, and sharing them can reveal the secret key (IND-CPA-D; Li-Micciancio 2021, ePrint
 * 2022/816). Round before a value is shown, exported or sent anywhere.
 */
export function decodePublic(pt: Plaintext, parameters: CkksParameters, logPrecision: number): Float64Array {
  if (!Number.isInteger(logPrecision) || logPrecision < 0 || logPrecision > 52) {
    throw new CkksError('invalid-argument', `logPrecision must be an integer in [0, 52]: ${logPrecision}`);
  }
  const values = decode(pt, parameters).re;
  const unit = 2 ** -logPrecision;
  for (let i = 0; i < values.length; i++) values[i] = roundHalfEven(values[i] / unit) * unit;
  return values;
}

/** Java's Math.rint: round to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkLooksLikeMessage(centered: Float64Array, primes: readonly bigint[]): void {
  let logQ = 0;
  for (const q of primes) logQ += Math.log2(Number(q));
  const threshold = 2 ** (logQ - 3); // Q / 8
  let large = 0;
  for (let i = 0; i < centered.length; i++) {
    if (Math.abs(centered[i]) > threshold) large++;
  }
  // Uniform noise puts about 3/4 of the coefficients above Q/8; a message puts none there.
  if (large > centered.length / 4) {
    throw new CkksError(
      'wrong-key',
      'wrong key for this data: decryption gives noise, not a message (the key does not belong to this ciphertext, or the ciphertext was altered)',
    );
  }
}

const rotationGroups = new Map<number, { group: Int32Array; cos: Float64Array; sin: Float64Array }>();

function tables(n: number) {
  let t = rotationGroups.get(n);
  if (!t) {
    const m = 2 * n;
    const group = new Int32Array(n / 2);
    let five = 1;
    for (let j = 0; j < n / 2; j++) {
      group[j] = five;
      five = (five * 5) % m;
    }
    const cos = new Float64Array(m + 1);
    const sin = new Float64Array(m + 1);
    for (let j = 0; j <= m; j++) {
      const angle = (2 * Math.PI * j) / m;
      cos[j] = Math.cos(angle);
      sin[j] = Math.sin(angle);
    }
    t = { group, cos, sin };
    rotationGroups.set(n, t);
  }
  return t;
}

/** Coefficients to slots (the canonical embedding), in place: Encoder.specialFft. */
function specialFft(re: Float64Array, im: Float64Array, slots: number, n: number): void {
  const { group, cos, sin } = tables(n);
  const m = 2 * n;
  bitReverse(re, im, slots);
  for (let len = 2; len <= slots; len <<= 1) {
    const half = len >> 1;
    const quarterPeriod = len << 2;
    for (let i = 0; i < slots; i += len) {
      for (let j = 0; j < half; j++) {
        const idx = (group[j] % quarterPeriod) * (m / quarterPeriod);
        const a = i + j;
        const b = a + half;
        const wr = cos[idx];
        const wi = sin[idx];
        const vr = re[b] * wr - im[b] * wi;
        const vi = re[b] * wi + im[b] * wr;
        const ur = re[a];
        const ui = im[a];
        re[a] = ur + vr;
        im[a] = ui + vi;
        re[b] = ur - vr;
        im[b] = ui - vi;
      }
    }
  }
}

function bitReverse(re: Float64Array, im: Float64Array, size: number): void {
  const bits = Math.log2(size);
  for (let i = 0; i < size; i++) {
    let j = 0;
    for (let b = 0; b < bits; b++) j = (j << 1) | ((i >> b) & 1);
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
}
