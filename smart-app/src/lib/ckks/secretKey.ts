import { CkksError } from './errors';
import { BitUnpacker, FormatReader, ObjectType, readHeader } from './format';
import type { CkksParameters } from './parameters';
import { ShoupTable } from './word64';

/**
 * A ternary secret key held in the browser, kept in the NTT form decryption uses (one limb per
 * Q prime). Its coefficients never leave this object; `wipe()` zeroes them.
 */
export class SecretKey {
  /** @internal NTT-form residues of s modulo each Q prime. */
  readonly nttLimbs: BigUint64Array[];
  /** @internal The same residues with their Shoup companions, for decryption's products. */
  readonly nttShoup: ShoupTable[];

  /** @internal */
  constructor(
    readonly parameters: CkksParameters,
    nttLimbs: BigUint64Array[],
  ) {
    this.nttLimbs = nttLimbs;
    this.nttShoup = nttLimbs.map((limb, l) => ShoupTable.ofLimb(limb, parameters.qPrimes[l]));
  }

  /** Zeroes the key material. */
  wipe(): void {
    for (const limb of this.nttLimbs) limb.fill(0n);
    for (const table of this.nttShoup) table.wipe();
  }

  toString(): string {
    return `SecretKey(logN=${this.parameters.logN}, material hidden)`;
  }
}

/**
 * Reads a secret key serialized by he-engine's SecretKeyCodec (2 bits per coefficient: 00 = 0,
 * 01 = 1, 11 = -1). A key made under other parameters is "wrong key for this data".
 */
export function readSecretKey(bytes: Uint8Array, parameters: CkksParameters): SecretKey {
  const reader = new FormatReader(bytes, 'secret key');
  readHeader(reader, ObjectType.secretKey, parameters.fingerprint, (found, wanted) =>
    new CkksError(
      'wrong-key',
      `wrong key for this data: the secret key was made under other parameters (fingerprint ${found}, the data's parameters have ${wanted})`,
    ),
  );
  const n = parameters.n;
  const packed = reader.bytesOf(n / 4, 'secret key coefficients');
  reader.end();
  const unpacker = new BitUnpacker(packed);
  const coefficients = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const code = unpacker.small(2);
    if (code === 2) throw reader.corrupted(`coefficient ${i} has code 10, which is not ternary`);
    coefficients[i] = code === 3 ? -1 : code;
  }
  const limbs = parameters.qPrimes.map((q, l) => {
    const limb = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const c = coefficients[i];
      limb[i] = c === 0 ? 0n : c === 1 ? 1n : q - 1n;
    }
    parameters.ntt(l).forward(limb);
    return limb;
  });
  coefficients.fill(0);
  return new SecretKey(parameters, limbs);
}
