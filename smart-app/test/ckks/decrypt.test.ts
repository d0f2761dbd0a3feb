// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  CkksError,
  decode,
  decodePublic,
  decrypt,
  readCiphertext,
  readParameters,
  readSecretKey,
} from '../../src/lib/ckks';
import { fullForm, seededAtLevel } from '../../bench/decryptBench';
import { bytes, loadVectors, precisionBits } from './vectors';

const vectors = loadVectors();
const positives = vectors.filter((v) => v.expectError === undefined);
const negatives = vectors.filter((v) => v.expectError !== undefined);

function open(vectorName: string) {
  const v = vectors.find((x) => x.name === vectorName)!;
  const parameters = readParameters(bytes(v.parameters));
  return { v, parameters };
}

describe('client-side CKKS decryption of he-engine test vectors', () => {
  it('finds the committed vectors', () => {
    expect(positives.length).toBeGreaterThanOrEqual(10);
    expect(negatives.length).toBeGreaterThanOrEqual(9);
  });

  it.each(positives.map((v) => [v.name, v] as const))('%s decrypts to the stated precision', (_name, v) => {
    const { parameters } = open(v.name);
    const sk = readSecretKey(bytes(v.secretKey), parameters);
    const ct = readCiphertext(bytes(v.ciphertext), parameters);
    expect(ct.degree).toBe(v.degree);
    expect(ct.level).toBe(v.level);
    expect(ct.logSlots).toBe(v.logSlots);
    expect(ct.seeded).toBe(v.seeded);
    const slots = decode(decrypt(ct, sk), parameters);
    const bits = precisionBits(v.expectedRe!, v.expectedIm, slots.re, slots.im);
    console.log(
      `${v.name}: precision ${bits.toFixed(2)} bits (Java ${v.javaPrecisionBits!.toFixed(2)}, stated minimum ${v.minPrecisionBits})`,
    );
    expect(bits).toBeGreaterThanOrEqual(v.minPrecisionBits!);
  });

  it.each(positives.map((v) => [v.name, v] as const))('%s: decodePublic rounds to the public precision', (_name, v) => {
    const { parameters } = open(v.name);
    const sk = readSecretKey(bytes(v.secretKey), parameters);
    const pt = decrypt(readCiphertext(bytes(v.ciphertext), parameters), sk);
    const p = v.publicPrecisionBits!;
    const rounded = decodePublic(pt, parameters, p);
    const unit = 2 ** -p;
    for (let i = 0; i < rounded.length; i++) {
      expect(Number.isInteger(rounded[i] / unit)).toBe(true);
      // Rounding error (half a unit) plus the decryption error (a quarter unit at most).
      expect(Math.abs(rounded[i] - v.expectedRe![i])).toBeLessThanOrEqual(0.75 * unit);
    }
  });

  it.each(negatives.map((v) => [v.name, v] as const))('%s is refused with a clear message', (_name, v) => {
    const { parameters } = open(v.name);
    const attempt = () => {
      const sk = readSecretKey(bytes(v.secretKey), parameters);
      const ct = readCiphertext(bytes(v.ciphertext), parameters);
      decode(decrypt(ct, sk), parameters);
    };
    expect(attempt).toThrow(CkksError);
    expect(attempt).toThrow(v.expectError!);
  });
});

describe('bench input', () => {
  it('the logN 14 vector cut to level 3 (the storage level) still decrypts to its values', () => {
    const v = vectors.find((x) => x.name === 'logn14-sk-top-real')!;
    const parameterBytes = bytes(v.parameters);
    const parameters = readParameters(parameterBytes);
    const ct = readCiphertext(seededAtLevel(parameterBytes, bytes(v.ciphertext), 3), parameters);
    expect(ct.level).toBe(3);
    const slots = decode(decrypt(ct, readSecretKey(bytes(v.secretKey), parameters)), parameters);
    const bits = precisionBits(v.expectedRe!, v.expectedIm, slots.re, slots.im);
    console.log(`logn14 at level 3: precision ${bits.toFixed(2)} bits`);
    expect(bits).toBeGreaterThanOrEqual(v.minPrecisionBits!);
  });

  it('the level 3 vector written out in full form reads back to the same polynomials', () => {
    const v = vectors.find((x) => x.name === 'logn14-sk-top-real')!;
    const parameterBytes = bytes(v.parameters);
    const parameters = readParameters(parameterBytes);
    const seeded = seededAtLevel(parameterBytes, bytes(v.ciphertext), 3);
    const full = fullForm(parameterBytes, seeded);
    const a = readCiphertext(seeded, parameters);
    const b = readCiphertext(full, parameters);
    expect(b.seeded).toBe(false);
    expect(full.length).toBe(seeded.length - 32 + (parameters.n * (parameters.qBits[0] + parameters.qBits[1] + parameters.qBits[2] + parameters.qBits[3])) / 8);
    expect(b.polys[0]).toEqual(a.polys[0]);
    expect(b.polys[1]).toEqual(a.polys[1]);
  });
});
