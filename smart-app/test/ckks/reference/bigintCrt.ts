import { invMod } from '../../../src/lib/ckks/modular';

/**
 * Reference (BigInt): centered integer values of RNS coefficients, as doubles, by Garner's mixed-radix conversion
 * with balanced digits (he-engine's ring/CrtReconstruction): x = v_0 + q_0 (v_1 + q_1 (...)),
 * each v_k in (-q_k/2, q_k/2]. A value small against Q has zero high digits, so the double keeps
 * full precision relative to |x| without big-integer arithmetic on the whole of Q.
 */
export function toCenteredDoublesBigInt(limbs: readonly BigUint64Array[], primes: readonly bigint[]): Float64Array {
  const count = limbs.length;
  const n = limbs[0].length;
  // inverse[k][i] = q_k^-1 mod q_i for i > k.
  const inverse: bigint[][] = [];
  for (let k = 0; k < count; k++) {
    inverse.push([]);
    for (let i = k + 1; i < count; i++) inverse[k][i] = invMod(primes[k] % primes[i], primes[i]);
  }
  const out = new Float64Array(n);
  const x = new Array<bigint>(count);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < count; i++) x[i] = limbs[i][c];
    let value = 0;
    let radix = 1;
    for (let k = 0; k < count; k++) {
      const qk = primes[k];
      const v = x[k] > qk >> 1n ? x[k] - qk : x[k];
      if (v !== 0n) value += Number(v) * radix;
      radix *= Number(qk);
      for (let i = k + 1; i < count; i++) {
        const qi = primes[i];
        let vi = v % qi;
        if (vi < 0n) vi += qi;
        const diff = x[i] >= vi ? x[i] - vi : x[i] + qi - vi;
        x[i] = (diff * inverse[k][i]) % qi;
      }
    }
    out[c] = value;
  }
  return out;
}
