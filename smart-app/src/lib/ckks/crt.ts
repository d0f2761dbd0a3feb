import { invMod } from './modular';
import { wasmKernel } from './wasm/kernel';
import { HIGH as HIGH_WORD, LOW as LOW_WORD, modulus, mulShoupAt as mulShoupImported, ShoupTable, wordsOf } from './word64';

// Local copies of imports used in hot loops: some loaders (vitest, CommonJS interop) turn each
// use of an import into a property read through a getter.
const LOW = LOW_WORD;
const HIGH = HIGH_WORD;
const mulShoupAt = mulShoupImported;

const TWO32 = 4294967296;

/**
 * Centered integer values of RNS coefficients, as doubles, by Garner's mixed-radix conversion
 * with balanced digits (he-engine's ring/CrtReconstruction): x = v_0 + q_0 (v_1 + q_1 (...)),
 * each v_k in (-q_k/2, q_k/2]. A value small against Q has zero high digits, so the double keeps
 * full precision relative to |x| without big-integer arithmetic on the whole of Q.
 *
 * Residues are 32-bit halves (word64.ts). The digit update (x_i - v_k) q_k^-1 mod q_i is computed
 * as x_i q_k^-1 - x_k q_k^-1 (+ 1 when v_k = x_k - q_k, since q_k q_k^-1 = 1 mod q_i), and each
 * digit becomes a double with one rounding, as Number(BigInt) does, so the output equals the
 * BigInt computation's bit for bit.
 */
export function toCenteredDoubles(limbs: readonly BigUint64Array[], primes: readonly bigint[]): Float64Array {
  const kernel = wasmKernel();
  if (kernel) return kernel.garner(limbs, garnerTables(primes.slice(0, limbs.length)));
  return toCenteredDoublesOnHalves(limbs, primes);
}

/** The kernel's tables: q_k and q_k >> 1; q_k^-1 mod q_i with its Shoup companion for i > k. */
function garnerTables(primes: readonly bigint[]) {
  const count = primes.length;
  const table = new BigUint64Array(2 * count);
  const inverses = new BigUint64Array(2 * count * count);
  primes.forEach((q, k) => {
    table[2 * k] = q;
    table[2 * k + 1] = q >> 1n;
    for (let i = k + 1; i < count; i++) {
      const w = invMod(q % primes[i], primes[i]);
      inverses[2 * (k * count + i)] = w;
      inverses[2 * (k * count + i) + 1] = (w << 64n) / primes[i];
    }
  });
  return { primes: table, inverses };
}

/** The same on 32-bit halves in JavaScript, where WebAssembly is unavailable. */
export function toCenteredDoublesOnHalves(limbs: readonly BigUint64Array[], primes: readonly bigint[]): Float64Array {
  const count = limbs.length;
  const n = limbs[0].length;
  const moduli = primes.map(modulus);
  const halves = primes.map((q) => modulus(q >> 1n));
  const primeDoubles = primes.map(Number);
  // inverse[k][i] = q_k^-1 mod q_i for i > k.
  const inverse: ShoupTable[][] = [];
  for (let k = 0; k < count; k++) {
    inverse.push([]);
    for (let i = k + 1; i < count; i++) {
      inverse[k][i] = ShoupTable.of([invMod(primes[k] % primes[i], primes[i])], primes[i]);
    }
  }
  const words = limbs.map(wordsOf);
  const out = new Float64Array(n);
  const x = new Uint32Array(2 * count);
  const digit = new Uint32Array(2);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < count; i++) {
      x[2 * i + LOW] = words[i][2 * c + LOW];
      x[2 * i + HIGH] = words[i][2 * c + HIGH];
    }
    let value = 0;
    let radix = 1;
    for (let k = 0; k < count; k++) {
      const lo = x[2 * k + LOW];
      const hi = x[2 * k + HIGH];
      const half = halves[k];
      const negative = hi > half.hi || (hi === half.hi && lo > half.lo);
      if (hi !== 0 || lo !== 0) {
        let v: number;
        if (negative) {
          // v = x_k - q_k, exact as a magnitude first, then one rounding.
          let mLo = moduli[k].lo - lo;
          let mHi = moduli[k].hi - hi;
          if (mLo < 0) {
            mLo += TWO32;
            mHi -= 1;
          }
          v = -(mHi * TWO32 + mLo);
        } else {
          v = hi * TWO32 + lo;
        }
        value += v * radix;
      }
      radix *= primeDoubles[k];
      for (let i = k + 1; i < count; i++) {
        const m = moduli[i];
        const table = inverse[k][i];
        digit[LOW] = lo;
        digit[HIGH] = hi;
        mulShoupAt(digit, 0, table, 0, m);
        mulShoupAt(x, i, table, 0, m);
        // x_i := x_i q_k^-1 - x_k q_k^-1 (+ 1) mod q_i
        let rLo = x[2 * i + LOW] - digit[LOW];
        let rHi = x[2 * i + HIGH] - digit[HIGH];
        if (rLo < 0) {
          rLo += TWO32;
          rHi -= 1;
        }
        if (rHi < 0) {
          rLo += m.lo;
          rHi += m.hi;
          if (rLo >= TWO32) {
            rLo -= TWO32;
            rHi += 1;
          }
        }
        if (negative) {
          rLo += 1;
          if (rLo >= TWO32) {
            rLo -= TWO32;
            rHi += 1;
          }
          if (rHi === m.hi && rLo === m.lo) {
            rLo = 0;
            rHi = 0;
          }
        }
        x[2 * i + LOW] = rLo;
        x[2 * i + HIGH] = rHi;
      }
    }
    out[c] = value;
  }
  return out;
}
