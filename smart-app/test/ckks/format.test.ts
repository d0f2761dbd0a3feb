// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CkksError, readCiphertext, readParameters } from '../../src/lib/ckks';
import { BitUnpacker } from '../../src/lib/ckks/format';
import { bytes } from './vectors';

describe('format reader', () => {
  it('bit unpacking reads values wider than 32 bits most significant bit first', () => {
    // Two 50-bit values, 2^49 + 5 and 3, then 4 zero bits of padding: 13 bytes.
    const packed = new Uint8Array(13);
    const bits = (2n ** 49n + 5n).toString(2).padStart(50, '0') + (3n).toString(2).padStart(50, '0') + '0000';
    for (let i = 0; i < 13; i++) packed[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
    const unpacker = new BitUnpacker(packed);
    expect(unpacker.get(50)).toBe(2n ** 49n + 5n);
    expect(unpacker.get(50)).toBe(3n);
  });

  it('parameters: rebuilt primes and the fingerprint match the secret key header', () => {
    for (const set of ['insecure-logn10', 'insecure-logn12', 'logn14']) {
      const parameters = readParameters(bytes(`${set}/parameters.bin`));
      const key = bytes(`${set}/secret-key.bin`);
      expect(Array.from(key.subarray(7, 23))).toEqual(Array.from(parameters.fingerprint));
    }
    const logN14 = readParameters(bytes('logn14/parameters.bin'));
    expect(logN14.logN).toBe(14);
    expect(logN14.qPrimes.length).toBe(6);
    expect(logN14.insecureForTesting).toBe(false);
    // "50-bit" primes sit just below or just above 2^50, so their residues take 50 or 51 bits.
    expect(logN14.qBits.map((b, i) => b === logN14.qPrimes[i].toString(2).length)).toEqual(Array(6).fill(true));
    expect(logN14.qBits.every((b) => b >= 50 && b <= 61)).toBe(true);
  });

  it('parameters below 128-bit security are refused unless marked insecure-for-testing', () => {
    const weak = bytes('insecure-logn10/parameters.bin').slice();
    weak[weak.length - 3] = 0; // the insecure-for-testing flag
    expect(() => readParameters(weak)).toThrow(/below 128-bit security/);
  });

  it('parameters with trailing bytes are refused', () => {
    const valid = bytes('insecure-logn10/parameters.bin');
    const longer = new Uint8Array(valid.length + 1);
    longer.set(valid);
    expect(() => readParameters(longer)).toThrow('corrupted parameters: trailing bytes');
  });

  it('another object type where a ciphertext is expected is refused by name', () => {
    const parameters = readParameters(bytes('insecure-logn10/parameters.bin'));
    const attempt = () => readCiphertext(bytes('insecure-logn10/secret-key.bin'), parameters);
    expect(attempt).toThrow(CkksError);
    expect(attempt).toThrow('corrupted ciphertext: expected a ciphertext but the input holds a secret key');
  });

  it('errors carry a kind a screen can switch on', () => {
    const parameters = readParameters(bytes('insecure-logn10/parameters.bin'));
    try {
      readCiphertext(bytes('insecure-logn12/logn12-pk-level0-sparse.ct'), parameters);
      expect.unreachable();
    } catch (e) {
      expect((e as CkksError).kind).toBe('other-parameters');
    }
  });
});
