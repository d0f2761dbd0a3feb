import type { Ciphertext, RnsPoly } from './ciphertext';
import { CkksError } from './errors';
import type { SecretKey } from './secretKey';
import { addAt as addImported, mulShoupAt as mulShoupImported, wordsOf } from './word64';

// Local copies of imports used in hot loops: some loaders (vitest, CommonJS interop) turn each
// use of an import into a property read through a getter.
const mulShoupAt = mulShoupImported;
const addAt = addImported;

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
    const ntt = parameters.ntt(l);
    const s = sk.nttShoup[l];
    const m = BigUint64Array.from(ct.polys[ct.degree][l]);
    const mWords = wordsOf(m);
    for (let d = ct.degree - 1; d >= 0; d--) {
      const c = wordsOf(ct.polys[d][l]);
      for (let j = 0; j < n; j++) {
        mulShoupAt(mWords, j, s, j, ntt.modulus);
        addAt(mWords, j, c, j, ntt.modulus);
      }
    }
    ntt.inverse(m);
    coefficients.push(m);
  }
  return { level: ct.level, scale: ct.scale, logSlots: ct.logSlots, coefficients };
}
