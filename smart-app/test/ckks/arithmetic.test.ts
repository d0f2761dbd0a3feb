// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, decrypt, readCiphertext, readParameters, readSecretKey } from '../../src/lib/ckks';
import { toCenteredDoubles, toCenteredDoublesOnHalves } from '../../src/lib/ckks/crt';
import { Ntt } from '../../src/lib/ckks/ntt';
import { modulus, mulShoupAt, residueAt, ShoupTable, wordsOf } from '../../src/lib/ckks/word64';
import { useWasmKernel, wasmKernel } from '../../src/lib/ckks/wasm/kernel';
import { toCenteredDoublesBigInt } from './reference/bigintCrt';
import { BigIntNtt } from './reference/bigintNtt';
import { bytes, loadVectors } from './vectors';

/** Deterministic 64-bit generator (splitmix64), so a failure reproduces. */
function generator(seed: bigint) {
  let state = seed;
  return (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
}

function randomLimb(n: number, q: bigint, next: () => bigint): BigUint64Array {
  const limb = new BigUint64Array(n);
  for (let i = 0; i < n; i++) limb[i] = next() % q;
  return limb;
}

const logN14 = readParameters(bytes('logn14/parameters.bin'));
const logN10 = readParameters(bytes('insecure-logn10/parameters.bin'));
// The product's primes, the test sets' primes and the largest and smallest a 61-bit word allows.
const primes = [...logN14.qPrimes, ...logN10.qPrimes, (1n << 61n) - 1n, 2305843009213554689n, 12289n, 3n];

describe('non-BigInt modular arithmetic equals BigInt bit for bit', () => {
  it.each(primes.map((q) => [q]))('Shoup products modulo %s, edge and random operands', (q) => {
    const next = generator(q);
    const edges = [0n, 1n, 2n, q - 1n, q - 2n, q >> 1n, (q >> 1n) + 1n];
    const operands = [...edges, ...Array.from({ length: 2000 }, () => next() % q)];
    const multipliers = [...edges, ...Array.from({ length: 50 }, () => next() % q)];
    const table = ShoupTable.of(multipliers, q);
    const m = modulus(q);
    const limb = new BigUint64Array(1);
    const words = wordsOf(limb);
    let mismatches = 0;
    for (let w = 0; w < multipliers.length; w++) {
      for (const a of operands) {
        limb[0] = a;
        mulShoupAt(words, 0, table, w, m);
        if (residueAt(words, 0) !== (a * multipliers[w]) % q) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('the NTT of logN 14 is the one the secret key vector was made with', () => {
    expect(new Ntt(logN14.qPrimes[0], 14).n).toBe(16384);
  });

  it('CRT of random residues (spread over Q) gives the same doubles', () => {
    const next = generator(7n);
    const limbs = logN14.qPrimes.slice(0, 4).map((q) => randomLimb(4096, q, next));
    const fast = toCenteredDoubles(limbs, logN14.qPrimes.slice(0, 4));
    const reference = toCenteredDoublesBigInt(limbs, logN14.qPrimes.slice(0, 4));
    expect(Array.from(fast)).toEqual(Array.from(reference)); // toEqual on numbers is Object.is
    expect(Array.from(toCenteredDoublesOnHalves(limbs, logN14.qPrimes.slice(0, 4)))).toEqual(Array.from(reference));
  });

});

describe.each([
  ['WebAssembly kernel', true],
  ['JavaScript 32-bit path', false],
] as const)('%s equals BigInt bit for bit', (_name, wasm) => {
  beforeAll(() => useWasmKernel(wasm));
  afterAll(() => useWasmKernel(true));

  it('runs on the kernel it names', () => {
    expect(wasmKernel() !== null).toBe(wasm);
  });

  it.each([
    ['logN 10', logN10],
    ['logN 14', logN14],
  ] as const)('%s NTT forward and inverse, every limb', (_name, parameters) => {
    const next = generator(BigInt(parameters.logN));
    parameters.qPrimes.forEach((q, l) => {
      const input = randomLimb(parameters.n, q, next);
      const fast = BigUint64Array.from(input);
      const reference = BigUint64Array.from(input);
      const referenceNtt = new BigIntNtt(q, parameters.logN);
      parameters.ntt(l).forward(fast);
      referenceNtt.forward(reference);
      expect(fast).toEqual(reference);
      parameters.ntt(l).inverse(fast);
      referenceNtt.inverse(reference);
      expect(fast).toEqual(reference);
      expect(fast).toEqual(input);
    });
  });

  const positives = loadVectors().filter((v) => v.expectError === undefined);
  it.each(positives.map((v) => [v.name, v] as const))(
    '%s: decryption residues and CRT doubles equal the BigInt path',
    (_name, v) => {
      const parameters = readParameters(bytes(v.parameters));
      const sk = readSecretKey(bytes(v.secretKey), parameters);
      const ct = readCiphertext(bytes(v.ciphertext), parameters);
      const pt = decrypt(ct, sk);
      // The reference: m = c_0 + c_1 s (+ c_2 s^2) in BigInt, inverse NTT in BigInt.
      for (let l = 0; l <= ct.level; l++) {
        const q = parameters.qPrimes[l];
        const s = sk.nttLimbs[l];
        const m = BigUint64Array.from(ct.polys[ct.degree][l]);
        for (let d = ct.degree - 1; d >= 0; d--) {
          const c = ct.polys[d][l];
          for (let j = 0; j < m.length; j++) m[j] = (m[j] * s[j] + c[j]) % q;
        }
        new BigIntNtt(q, parameters.logN).inverse(m);
        expect(pt.coefficients[l]).toEqual(m);
      }
      const levelPrimes = parameters.qPrimes.slice(0, ct.level + 1);
      expect(Array.from(toCenteredDoubles(pt.coefficients, levelPrimes))).toEqual(
        Array.from(toCenteredDoublesBigInt(pt.coefficients, levelPrimes)),
      );
      expect(decode(pt, parameters).re.length).toBe(1 << ct.logSlots);
    },
  );
});
