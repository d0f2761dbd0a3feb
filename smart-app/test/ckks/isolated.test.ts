// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, decrypt, readCiphertext, readParameters, readSecretKey } from '../../src/lib/ckks';
import { ParameterCatalog, ResultDecryptor } from '../../src/lib/decryption/resultDecryptor';
import { bytes, VECTORS_DIR } from './vectors';

/** src-test-data IsolatedValueVectorTest: what GET Observation/ID/$encrypted-value sends (test key). */
interface IsolatedVector {
  parameters: string;
  secretKey: string;
  ciphertext: string;
  level: number;
  slots: number[];
  expected: number[];
  minPrecisionBits: number;
  otherSlotsMaxAbs: number;
}
const v = JSON.parse(readFileSync(`${VECTORS_DIR}isolated/logn14-isolated-slots.json`, 'utf8')) as IsolatedVector;

describe('a slot-isolated ciphertext as $encrypted-value sends it', () => {
  it('decrypts to its two values at the precision Java measured', () => {
    const parameters = readParameters(bytes(v.parameters));
    const ct = readCiphertext(bytes(v.ciphertext), parameters);
    expect(ct.level).toBe(v.level);
    expect(ct.seeded).toBe(false);
    const re = decode(decrypt(ct, readSecretKey(bytes(v.secretKey), parameters)), parameters).re;
    v.slots.forEach((slot, i) => {
      const bits = -Math.log2(Math.abs(re[slot] - v.expected[i]));
      console.log(`isolated slot ${slot}: ${re[slot]} for ${v.expected[i]}, ${bits.toFixed(2)} bits (minimum ${v.minPrecisionBits})`);
      expect(bits).toBeGreaterThanOrEqual(v.minPrecisionBits);
    });
  });

  it('after the public rounding every other slot is exactly 0: the flood noise is gone', () => {
    const secretKey = bytes(v.secretKey);
    const fingerprintHex = Array.from(secretKey.subarray(7, 23), (b) => b.toString(16).padStart(2, '0')).join('');
    const decryptor = new ResultDecryptor({ keySetId: 'test-key-logn14', fingerprintHex, secretKey: secretKey.slice() }, new ParameterCatalog());
    const { values, logPrecision } = decryptor.decrypt(bytes(v.ciphertext), 'stored-value');
    expect(logPrecision).toBe(20);
    expect(v.otherSlotsMaxAbs).toBeLessThan(2 ** -21);
    const nonZero = values.flatMap((x, slot) => (x !== 0 && !v.slots.includes(slot) ? [slot] : []));
    expect(nonZero).toEqual([]);
    v.slots.forEach((slot, i) => expect(Math.abs(values[slot] - v.expected[i])).toBeLessThanOrEqual(2 ** -21));
  });
});
