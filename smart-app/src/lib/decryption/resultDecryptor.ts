import {
  CkksError,
  decodePublic,
  decrypt,
  readCiphertext,
  readParameters,
  readSecretKey,
  type CkksParameters,
  type SecretKey,
} from '../ckks';
import { base64Bytes, LOGN14_PARAMETERS_BASE64 } from '../ckks/presets';
import type { LoadedKey } from '../keys/keyVault';

/** What a decrypted number is, which sets how far it is rounded. */
export type ValueKind = 'stored-value' | 'statistic';

/**
 * Bits after the binary point kept before a value is shown or exported (IND-CPA-D, see
 * docs/SECURITY.md): the low bits of a CKKS decryption carry the encryption noise. A stored value
 * comes from $encrypted-value through he-engine's SlotIsolation, which floods the other slots with
 * Gaussian noise of standard deviation 2^-28 and leaves "about 26 bits after the point"; 20 bits keep
 * six standard deviations clear of that noise. Statistics add the noise of their operations: 16.
 * Fixed rather than derived from the ciphertext's scale, which isolation raises (2^58 and more)
 * without making the value any more precise.
 */
export function publicPrecisionBits(kind: ValueKind): number {
  return kind === 'stored-value' ? 20 : 16;
}

export function parametersFingerprintHex(ciphertext: Uint8Array): string {
  // Header: magic (4) | version (2) | type (1) | fingerprint (16).
  if (ciphertext.length < 23) throw new CkksError('corrupted', 'corrupted ciphertext: shorter than its header');
  return Array.from(ciphertext.subarray(7, 23), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parameters by fingerprint: the presets the app ships with, or ones the caller adds. */
export class ParameterCatalog {
  private readonly byFingerprint = new Map<string, CkksParameters>();

  constructor(parameterBytes: Uint8Array[] = [base64Bytes(LOGN14_PARAMETERS_BASE64)]) {
    for (const bytes of parameterBytes) this.add(bytes);
  }

  add(bytes: Uint8Array): CkksParameters {
    const parameters = readParameters(bytes);
    const hex = Array.from(parameters.fingerprint, (b) => b.toString(16).padStart(2, '0')).join('');
    this.byFingerprint.set(hex, parameters);
    return parameters;
  }

  get(fingerprintHex: string): CkksParameters | undefined {
    return this.byFingerprint.get(fingerprintHex);
  }
}

/**
 * Decrypts result ciphertexts with the loaded key, checking first that the key is the data's:
 * another parameter fingerprint and another key of the same parameters (noise on decoding) are
 * both "wrong key for this data", with a message saying which.
 */
export class ResultDecryptor {
  private secretKey: SecretKey | undefined;

  constructor(
    private readonly key: LoadedKey,
    private readonly catalog: ParameterCatalog,
  ) {}

  /** The rounded real parts of `slots` (all slots if omitted), and the precision they were rounded to. */
  decrypt(ciphertext: Uint8Array, kind: ValueKind, slots?: readonly number[]): { values: number[]; logPrecision: number } {
    const dataFingerprint = parametersFingerprintHex(ciphertext);
    if (dataFingerprint !== this.key.fingerprintHex) {
      throw new CkksError(
        'wrong-key',
        `wrong key for this data: it was encrypted under parameters ${dataFingerprint}, and the loaded key (key set ${this.key.keySetId}) belongs to parameters ${this.key.fingerprintHex}`,
      );
    }
    const parameters = this.catalog.get(dataFingerprint);
    if (!parameters) {
      throw new CkksError('other-parameters', `this app does not know the parameters ${dataFingerprint} the data was encrypted under`);
    }
    this.secretKey ??= readSecretKey(this.key.secretKey, parameters);
    const ct = readCiphertext(ciphertext, parameters);
    const logPrecision = publicPrecisionBits(kind);
    const all = decodePublic(decrypt(ct, this.secretKey), parameters, logPrecision);
    const values = slots ? slots.map((s) => {
      if (!Number.isInteger(s) || s < 0 || s >= all.length) {
        throw new CkksError('invalid-argument', `slot ${s} is out of range [0, ${all.length - 1}]`);
      }
      return all[s];
    }) : Array.from(all);
    return { values, logPrecision };
  }

  /** Zeroes the key material this decryptor expanded. */
  wipe(): void {
    this.secretKey?.wipe();
    this.secretKey = undefined;
  }
}
