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
  const coefficients: RnsPoly = [];
  for (let l = 0; l <= ct.level; l++) {
    coefficients.push(parameters.ntt(l).decryptLimb(ct.polys.map((poly) => poly[l]), sk.nttShoup[l]));
  }
  return { level: ct.level, scale: ct.scale, logSlots: ct.logSlots, coefficients };
}
