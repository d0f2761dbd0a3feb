import { shake128 } from '@noble/hashes/sha3.js';
import { bitLength } from './modular';

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
 * the prime's bit length), limb by limb in order.
 */
export function sampleUniform(xof: Xof, primes: readonly bigint[], n: number): BigUint64Array[] {
  return primes.map((q) => {
    const mask = (1n << BigInt(bitLength(q))) - 1n;
    const limb = new BigUint64Array(n);
    for (let j = 0; j < n; ) {
      const candidate = xof.nextLong() & mask;
      if (candidate < q) limb[j++] = candidate;
    }
    return limb;
  });
}
