import { sha256 } from '@noble/hashes/sha2.js';
import { FormatReader, ObjectType, readHeader } from './format';
import { bitLength, isPrime } from './modular';
import { Ntt } from './ntt';

/**
 * CKKS parameters as he-engine serializes them (ParametersCodec), with what decryption needs
 * rebuilt from the primes: one NTT per Q prime. Immutable once read.
 */
export interface CkksParameters {
  readonly logN: number;
  readonly n: number;
  readonly qPrimes: readonly bigint[];
  readonly pPrimes: readonly bigint[];
  readonly primesPerDigit: number;
  readonly sigma: number;
  /** 0 for a uniform ternary secret, otherwise the sparse secret's Hamming weight. */
  readonly hammingWeight: number;
  readonly insecureForTesting: boolean;
  readonly logDefaultScale: number;
  readonly logSlots: number;
  readonly maxLevel: number;
  /** The 16-byte fingerprint every other object's header must carry. */
  readonly fingerprint: Uint8Array;
  /** Bit length of each Q prime: the width of its packed residues. */
  readonly qBits: readonly number[];
  /** NTT of each Q prime, built on first use. */
  ntt(limb: number): Ntt;
}

const MAX_Q_PRIMES = 64;
const MAX_P_PRIMES = 32;

/** he-engine's rlwe/SecurityTable: largest log2(QP) for 128-bit security, by logN (0: no entry). */
const MAX_LOG_QP_128 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 27, 54, 109, 218, 438, 881, 1747];

/** Reads serialized parameters (they must fill {@code bytes} exactly) and checks them. */
export function readParameters(bytes: Uint8Array): CkksParameters {
  const reader = new FormatReader(bytes, 'parameters');
  readHeader(reader, ObjectType.parameters);
  const logN = reader.u8('logN');
  if (logN < 3 || logN > 17) throw reader.corrupted(`logN ${logN} is out of range [3, 17]`);
  const qPrimes = readPrimes(reader, 'Q', MAX_Q_PRIMES);
  const pPrimes = readPrimes(reader, 'P', MAX_P_PRIMES);
  const primesPerDigit = reader.u8('primes per digit');
  const sigma = reader.f64('sigma');
  const hammingWeight = reader.u32('secret Hamming weight');
  const insecure = reader.u8('insecure-for-testing flag');
  const logDefaultScale = reader.u8('log2 default scale');
  const logSlots = reader.u8('logSlots');
  reader.end();

  const n = 1 << logN;
  const twoN = BigInt(2 * n);
  const seen = new Set<bigint>();
  for (const q of [...qPrimes, ...pPrimes]) {
    if (q >= 1n << 61n || q % twoN !== 1n || !isPrime(q)) {
      throw reader.corrupted(`prime ${q} is not a prime below 2^61 congruent to 1 mod 2N = ${twoN}`);
    }
    if (seen.has(q)) throw reader.corrupted(`prime ${q} appears twice`);
    seen.add(q);
  }
  if (primesPerDigit < 1 || primesPerDigit > qPrimes.length) {
    throw reader.corrupted(`primes per digit ${primesPerDigit} is out of range [1, ${qPrimes.length}]`);
  }
  if (!(sigma >= 1 && sigma <= 64)) throw reader.corrupted(`sigma ${sigma} is out of range [1, 64]`);
  if (hammingWeight > n) throw reader.corrupted(`secret Hamming weight ${hammingWeight} exceeds N = ${n}`);
  if (insecure > 1) throw reader.corrupted(`insecure-for-testing flag is ${insecure}, not 0 or 1`);
  if (logDefaultScale < 1 || logDefaultScale > 61) {
    throw reader.corrupted(`log2 default scale ${logDefaultScale} is out of range [1, 61]`);
  }
  if (logSlots > logN - 1) throw reader.corrupted(`logSlots ${logSlots} is out of range [0, ${logN - 1}]`);

  // The same 128-bit check as RlweParameters.Builder: a set below it must say it is insecure.
  let logQp = 0;
  for (const q of [...qPrimes, ...pPrimes]) logQp += Math.log2(Number(q));
  const limit = MAX_LOG_QP_128[logN] ?? 0;
  if (insecure === 0 && (limit === 0 || logQp > limit || hammingWeight !== 0)) {
    throw reader.corrupted(
      `log QP = ${logQp.toFixed(1)} at logN ${logN} is below 128-bit security (limit ${limit} bits for a uniform ternary secret) and the set is not marked insecure-for-testing`,
    );
  }

  const fingerprint = computeFingerprint(logN, qPrimes, pPrimes, primesPerDigit, sigma, hammingWeight);
  const ntts: Ntt[] = [];
  return Object.freeze({
    logN,
    n,
    qPrimes: Object.freeze(qPrimes),
    pPrimes: Object.freeze(pPrimes),
    primesPerDigit,
    sigma,
    hammingWeight,
    insecureForTesting: insecure === 1,
    logDefaultScale,
    logSlots,
    maxLevel: qPrimes.length - 1,
    fingerprint,
    qBits: Object.freeze(qPrimes.map(bitLength)),
    ntt(limb: number): Ntt {
      return (ntts[limb] ??= new Ntt(qPrimes[limb], logN));
    },
  });
}

function readPrimes(reader: FormatReader, chain: string, max: number): bigint[] {
  const count = reader.u8(`${chain} prime count`);
  if (count < 1 || count > max) throw reader.corrupted(`${chain} prime count ${count} is out of range [1, ${max}]`);
  const primes: bigint[] = [];
  for (let i = 0; i < count; i++) primes.push(reader.u64(`${chain} prime ${i}`));
  return primes;
}

/**
 * The fingerprint exactly as he-engine's RlweParameters.computeFingerprint: SHA-256 over a Java
 * DataOutputStream encoding (writeUTF, writeInt, writeLong, writeDouble; big-endian), truncated
 * to 16 bytes.
 */
export function computeFingerprint(
  logN: number,
  qPrimes: readonly bigint[],
  pPrimes: readonly bigint[],
  primesPerDigit: number,
  sigma: number,
  hammingWeight: number,
): Uint8Array {
  const label = new TextEncoder().encode('homocloud-rlwe-parameters-v1'); // ASCII: modified UTF-8 is the same
  const size = 2 + label.length + 4 + 4 + 8 * qPrimes.length + 4 + 8 * pPrimes.length + 4 + 8 + 4;
  const buffer = new Uint8Array(size);
  const view = new DataView(buffer.buffer);
  let at = 0;
  view.setUint16(at, label.length);
  at += 2;
  buffer.set(label, at);
  at += label.length;
  const writeInt = (v: number) => {
    view.setInt32(at, v);
    at += 4;
  };
  const writeLong = (v: bigint) => {
    view.setBigInt64(at, v);
    at += 8;
  };
  writeInt(logN);
  writeInt(qPrimes.length);
  qPrimes.forEach(writeLong);
  writeInt(pPrimes.length);
  pPrimes.forEach(writeLong);
  writeInt(primesPerDigit);
  view.setFloat64(at, sigma);
  at += 8;
  writeInt(hammingWeight);
  return sha256(buffer).slice(0, 16);
}
