import { BitUnpacker, FormatReader, ObjectType, readHeader } from './format';
import type { CkksParameters } from './parameters';
import { HIGH, LOW } from './word64';
import { sampleUniform, Xof } from './xof';

/** An RNS polynomial: one limb of N residues per prime, limbs 0..level. */
export type RnsPoly = BigUint64Array[];

/** A ciphertext as he-engine writes it: NTT-form polynomials c_0..c_degree over limbs 0..level. */
export interface Ciphertext {
  readonly degree: number;
  readonly level: number;
  readonly logSlots: number;
  readonly scale: number;
  readonly seeded: boolean;
  readonly polys: readonly RnsPoly[];
}

const MAX_DEGREE = 2;

/**
 * Reads a ciphertext serialized by he-engine's CiphertextCodec under {@code parameters}; a
 * seeded one has its c_1 re-expanded from the seed exactly as the engine's Encryptor made it.
 */
export function readCiphertext(bytes: Uint8Array, parameters: CkksParameters): Ciphertext {
  const reader = new FormatReader(bytes, 'ciphertext');
  readHeader(reader, ObjectType.ciphertext, parameters.fingerprint);
  const degree = reader.u8('ciphertext degree');
  if (degree < 1 || degree > MAX_DEGREE) throw reader.corrupted(`degree ${degree} is out of range [1, ${MAX_DEGREE}]`);
  const level = reader.u8('ciphertext level');
  if (level > parameters.maxLevel) {
    throw reader.corrupted(`level ${level} is out of range [0, ${parameters.maxLevel}] for these parameters`);
  }
  const logSlots = reader.u8('ciphertext logSlots');
  if (logSlots > parameters.logN - 1) throw reader.corrupted(`logSlots ${logSlots} is out of range [0, ${parameters.logN - 1}]`);
  const scale = reader.f64('ciphertext scale');
  if (!Number.isFinite(scale) || scale <= 0) throw reader.corrupted(`scale ${scale} must be finite and positive`);
  const form = reader.u8('ciphertext form');
  if (form > 1) throw reader.corrupted(`form byte ${form} is neither 0 (full) nor 1 (seeded)`);
  const seeded = form === 1;
  if (seeded && degree !== 1) throw reader.corrupted(`a seeded ciphertext has degree 1, not ${degree}`);
  const seed = seeded ? reader.bytesOf(32, 'ciphertext seed') : undefined;

  const polys: RnsPoly[] = [];
  for (let i = 0; i <= degree; i++) {
    if (i === 1 && seed) {
      polys.push([]);
      continue;
    }
    polys.push(readPoly(reader, parameters, level + 1, `c_${i}`));
  }
  reader.end();
  if (seed) {
    polys[1] = sampleUniform(new Xof(seed), parameters.qPrimes.slice(0, level + 1), parameters.n);
  }
  return { degree, level, logSlots, scale, seeded, polys };
}

function readPoly(reader: FormatReader, parameters: CkksParameters, limbs: number, what: string): RnsPoly {
  const n = parameters.n;
  const poly: RnsPoly = [];
  for (let l = 0; l < limbs; l++) {
    const width = parameters.qBits[l];
    const q = parameters.qPrimes[l];
    const packed = reader.bytesOf((n * width) / 8, `ciphertext ${what} limb ${l}`);
    const unpacker = new BitUnpacker(packed);
    const limb = new BigUint64Array(n);
    const words = new Uint32Array(limb.buffer);
    const qHigh = Number(q >> 32n);
    const qLow = Number(q & 0xffffffffn);
    const highWidth = Math.max(0, width - 32);
    const lowWidth = Math.min(32, width);
    for (let j = 0; j < n; j++) {
      // Halves as Java packs them: the top (width - 32) bits, then 32 bits.
      const high = highWidth > 0 ? unpacker.small(highWidth) : 0;
      const low = unpacker.small(lowWidth);
      if (high > qHigh || (high === qHigh && low >= qLow)) {
        const v = (BigInt(high) << 32n) | BigInt(low);
        throw reader.corrupted(`${what} limb ${l} coefficient ${j} is ${v}, not below its prime ${q}`);
      }
      words[2 * j + LOW] = low;
      words[2 * j + HIGH] = high;
    }
    poly.push(limb);
  }
  return poly;
}
