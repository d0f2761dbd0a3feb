/**
 * The measured body of `./bench decrypt`: parse, decrypt and decode one ciphertext at a time
 * with the app's own decryptor. Built into one ES module (vite.config.ts here) that the driver
 * (run.mjs) loads both in Node and in headless Chromium, so both run the same code as the app.
 */
import { argon2id } from '@noble/hashes/argon2.js';
import { decodePublic, decrypt, readCiphertext, readParameters, readSecretKey } from '../src/lib/ckks';
import { HIGH, LOW, wordsOf } from '../src/lib/ckks/word64';

export interface BenchInput {
  /** A label for the JSON line, e.g. "logn14-sk-top-real". */
  name: string;
  parameters: Uint8Array;
  secretKey: Uint8Array;
  ciphertext: Uint8Array;
}

export interface PhaseTimes {
  name: string;
  logN: number;
  primes: number;
  seeded: boolean;
  runs: number;
  /** Milliseconds per run, phase by phase. */
  keyImport: number[];
  parse: number[];
  decrypt: number[];
  decode: number[];
  total: number[];
  /** The first decoded slot, so a broken build shows up as a wrong number, not a fast one. */
  firstSlot: number;
}

/** Times `runs` decryptions after `warmups` unmeasured ones (the JIT's first compilations). */
export function measure(input: BenchInput, warmups: number, runs: number): PhaseTimes {
  const parameters = readParameters(input.parameters);
  const times: PhaseTimes = {
    name: input.name,
    logN: parameters.logN,
    primes: 0,
    seeded: false,
    runs,
    keyImport: [],
    parse: [],
    decrypt: [],
    decode: [],
    total: [],
    firstSlot: NaN,
  };
  for (let r = 0; r < warmups + runs; r++) {
    const t0 = performance.now();
    const sk = readSecretKey(input.secretKey, parameters);
    const t1 = performance.now();
    const ct = readCiphertext(input.ciphertext, parameters);
    const t2 = performance.now();
    const pt = decrypt(ct, sk);
    const t3 = performance.now();
    const values = decodePublic(pt, parameters, 20);
    const t4 = performance.now();
    sk.wipe();
    if (r < warmups) continue;
    times.primes = ct.level + 1;
    times.seeded = ct.seeded;
    times.firstSlot = values[0];
    times.keyImport.push(t1 - t0);
    times.parse.push(t2 - t1);
    times.decrypt.push(t3 - t2);
    times.decode.push(t4 - t3);
    times.total.push(t4 - t1);
  }
  return times;
}

/**
 * The same seeded ciphertext at a lower level: the header's level byte rewritten and the c_0
 * limbs above it cut off. Valid because a seeded c_1 is expanded limb by limb in order and an
 * NTT-form limb does not depend on the others; it lets the bench time the storage level (3)
 * from the one committed logN 14 vector (level 5).
 */
export function seededAtLevel(parameterBytes: Uint8Array, ciphertext: Uint8Array, level: number): Uint8Array {
  const parameters = readParameters(parameterBytes);
  const headerBytes = 4 + 2 + 1 + 16;
  const levelOffset = headerBytes + 1;
  const formOffset = levelOffset + 1 + 1 + 8;
  if (ciphertext[formOffset] !== 1) throw new Error('seededAtLevel needs a seeded ciphertext');
  if (level > ciphertext[levelOffset]) throw new Error(`level ${level} is above the ciphertext's ${ciphertext[levelOffset]}`);
  let end = formOffset + 1 + 32;
  for (let l = 0; l <= level; l++) end += (parameters.n * parameters.qBits[l]) / 8;
  const out = ciphertext.slice(0, end);
  out[levelOffset] = level;
  return out;
}

/**
 * Milliseconds per Argon2id derivation at the cost real key files use (he-interceptors
 * Argon2Cost.RFC9106_SECOND_RECOMMENDED: 64 MiB, 3 passes, 4 lanes), with the library the app's
 * key loader uses: what a person waits for once, when loading the key.
 */
export function measureKeyFileKdf(runs: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    argon2id(new TextEncoder().encode('bench passphrase'), new Uint8Array(16), { t: 3, m: 64 * 1024, p: 4, dkLen: 32 });
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * The same ciphertext in full form (form byte 0, c_1 written out instead of its seed), as a
 * public-key encryption or a server's result comes: c_1 re-expanded from the seed and bit-packed
 * as he-engine's BitPacking does (most significant bit first, the top width - 32 bits then 32).
 */
export function fullForm(parameterBytes: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const parameters = readParameters(parameterBytes);
  const ct = readCiphertext(ciphertext, parameters);
  if (!ct.seeded) return ciphertext;
  const headerBytes = 4 + 2 + 1 + 16;
  const formOffset = headerBytes + 1 + 1 + 1 + 8;
  const c0Start = formOffset + 1 + 32;
  const out: number[] = Array.from(ciphertext.subarray(0, formOffset));
  out.push(0);
  for (const b of ciphertext.subarray(c0Start)) out.push(b);
  let acc = 0;
  let bits = 0;
  const put = (value: number, width: number) => {
    acc = acc * 2 ** width + value;
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      const byte = Math.floor(acc / 2 ** bits);
      out.push(byte);
      acc -= byte * 2 ** bits;
    }
  };
  ct.polys[1].forEach((limb, l) => {
    const width = parameters.qBits[l];
    const words = wordsOf(limb);
    for (let j = 0; j < parameters.n; j++) {
      if (width > 32) put(words[2 * j + HIGH], width - 32);
      put(words[2 * j + LOW], Math.min(32, width));
    }
  });
  if (bits > 0) throw new Error('a limb did not end on a byte boundary');
  return Uint8Array.from(out);
}
