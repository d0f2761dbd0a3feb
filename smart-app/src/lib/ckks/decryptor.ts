import type { Ciphertext, RnsPoly } from './ciphertext';
import { CkksError } from './errors';
import type { SecretKey } from './secretKey';

/** A decrypted, still encoded message: coefficient-domain residues with its scale and slot count. */
export interface Plaintext {
  readonly level: number;
  readonly scale: number;
  readonly logSlots: number;
  /** Coefficient form (after the inverse NTT), limbs 0..level. */
  readonly coefficients: RnsPoly;
}

/**
 * Decrypts as he-engine's Decryptor: m = c_0 + c_1 s (+ c_2 s^2), evaluated by Horner in the NTT
 * domain limb by limb, then brought back to coefficients.
 */
export function decrypt(ct: Ciphertext, sk: SecretKey): Plaintext {
  const parameters = sk.parameters;
  if (ct.polys[0].length !== ct.level + 1 || ct.level > parameters.maxLevel) {
    throw new CkksError('invalid-argument', `ciphertext level ${ct.level} does not fit these parameters`);
  }
  const n = parameters.n;
  const coefficients: RnsPoly = [];
  for (let l = 0; l <= ct.level; l++) {
    const q = parameters.qPrimes[l];
    const s = sk.nttLimbs[l];
    const m = BigUint64Array.from(ct.polys[ct.degree][l]);
    for (let d = ct.degree - 1; d >= 0; d--) {
      const c = ct.polys[d][l];
      for (let j = 0; j < n; j++) {
        m[j] = (m[j] * s[j] + c[j]) % q;
      }
    }
    parameters.ntt(l).inverse(m);
    coefficients.push(m);
  }
  return { level: ct.level, scale: ct.scale, logSlots: ct.logSlots, coefficients };
}
