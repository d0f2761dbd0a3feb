import { shake128 } from '@noble/hashes/sha3.js';
import { bitLength } from './modular';
import { HIGH, LOW } from './word64';

/**
 * he-engine's ring.sampling.Xof: SHAKE128 over a 32-byte seed, read as big-endian 64-bit words.
 * (Java refills a 4096-byte buffer; 4096 is a multiple of 8, so the words are simply the XOF
 * stream in order.)
 */
export class Xof {
  private readonly shake = shake128.create();
  private buffer = new Uint8Array(0);
  private view = new DataView(this.buffer.buffer);
  private position = 0;

  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new Error(`seed must be 32 bytes: ${seed.length}`);
    this.shake.update(seed);
  }

  /** High and low 32-bit halves of the word read by the last {@link next}. */
  high = 0;
  low = 0;

  /** Reads the next big-endian 64-bit word into {@link high} and {@link low}. */
  next(): void {
    if (this.position + 8 > this.buffer.length) this.refill();
    this.high = this.view.getUint32(this.position, false);
    this.low = this.view.getUint32(this.position + 4, false);
    this.position += 8;
  }

  private refill(): void {
    this.buffer = this.shake.xof(4096);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.position = 0;
  }

  nextLong(): bigint {
    if (this.position + 8 > this.buffer.length) {
      this.buffer = this.shake.xof(4096);
      this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      this.position = 0;
    }
    const v = this.view.getBigUint64(this.position, false);
    this.position += 8;
    return v;
  }
}

/**
 * he-engine's UniformSampler.sample: residues in [0, q_l) by rejection from the XOF (masked to
 * the prime's bit length), limb by limb in order. Works on 32-bit halves and stores them through
 * a little-endian word view, so no BigInt is made per candidate.
 */
export function sampleUniform(xof: Xof, primes: readonly bigint[], n: number): BigUint64Array[] {
  return primes.map((q) => {
    const bits = bitLength(q);
    const qHigh = Number(q >> 32n);
    const qLow = Number(q & 0xffffffffn);
    const maskHigh = bits > 32 ? 2 ** (bits - 32) - 1 : 0;
    const maskLow = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    const limb = new BigUint64Array(n);
    const words = new Uint32Array(limb.buffer);
    for (let j = 0; j < n; ) {
      xof.next();
      const high = (xof.high & maskHigh) >>> 0;
      const low = (xof.low & maskLow) >>> 0;
      if (high < qHigh || (high === qHigh && low < qLow)) {
        words[2 * j + LOW] = low;
        words[2 * j + HIGH] = high;
        j++;
      }
    }
    return limb;
  });
}
