/**
 * The measured body of `./bench decrypt`: parse, decrypt and decode one ciphertext at a time
 * with the app's own decryptor. Built into one ES module (vite.config.ts here) that the driver
 * (run.mjs) loads both in Node and in headless Chromium, so both run the same code as the app.
 */
import { decodePublic, decrypt, readCiphertext, readParameters, readSecretKey } from '../src/lib/ckks';

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
