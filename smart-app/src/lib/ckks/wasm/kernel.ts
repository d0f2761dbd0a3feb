import { NTT_WASM_BASE64 } from './nttWasm';

/**
 * The WebAssembly kernel (ntt.wat, assembled into nttWasm.ts): native 64-bit Shoup products for the
 * NTT and decryption's per-coefficient step, several times faster than the same arithmetic on
 * 32-bit halves in JavaScript and than BigInt. Limbs and tables are copied into the module's
 * memory for each call and the scratch is zeroed afterwards, so no key material stays there.
 * Residues are exact either way: every path gives the BigInt reference's bits.
 */
interface Exports {
  memory: WebAssembly.Memory;
  forward(a: number, tw: number, tws: number, n: number, q: bigint): void;
  inverse(a: number, tw: number, tws: number, n: number, q: bigint, nInv: bigint, nInvS: bigint): void;
  mulAdd(m: number, s: number, ss: number, c: number, n: number, q: bigint): void;
  garner(x: number, n: number, count: number, p: number, inv: number, work: number, out: number): void;
}

const PAGE = 65536;

export class WasmKernel {
  private constructor(private readonly exports: Exports) {}

  /** The kernel, or null where WebAssembly (with BigInt-to-i64 calls) is unavailable. */
  static load(): WasmKernel | null {
    try {
      if (typeof WebAssembly !== 'object') return null;
      const bytes = Uint8Array.from(atob(NTT_WASM_BASE64), (c) => c.charCodeAt(0));
      // Synchronous compilation is allowed on a browser's main thread for modules under 4 KB.
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
      return new WasmKernel(instance.exports as unknown as Exports);
    } catch {
      return null;
    }
  }

  /** u64 views of `count` consecutive regions of n words each, from byte 0, growing memory as needed. */
  private regions(count: number, n: number): BigUint64Array[] {
    const bytes = count * n * 8;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    return Array.from({ length: count }, (_, i) => new BigUint64Array(memory.buffer, i * n * 8, n));
  }

  private clear(count: number, n: number): void {
    new Uint8Array(this.exports.memory.buffer, 0, count * n * 8).fill(0);
  }

  forward(limb: BigUint64Array, tw: BigUint64Array, tws: BigUint64Array, q: bigint): void {
    const n = limb.length;
    const [a, t, s] = this.regions(3, n);
    a.set(limb);
    t.set(tw);
    s.set(tws);
    this.exports.forward(0, 8 * n, 16 * n, n, q);
    limb.set(a);
    this.clear(3, n);
  }

  inverse(limb: BigUint64Array, tw: BigUint64Array, tws: BigUint64Array, q: bigint, nInv: bigint, nInvS: bigint): void {
    const n = limb.length;
    const [a, t, s] = this.regions(3, n);
    a.set(limb);
    t.set(tw);
    s.set(tws);
    this.exports.inverse(0, 8 * n, 16 * n, n, q, nInv, nInvS);
    limb.set(a);
    this.clear(3, n);
  }

  /** Centered doubles of RNS coefficients (crt.ts's toCenteredDoubles, in the module). */
  garner(limbs: readonly BigUint64Array[], tables: GarnerTables): Float64Array {
    const count = limbs.length;
    const n = limbs[0].length;
    const words = count * n + 2 * count + 2 * count * count + count + n;
    const [all] = this.regions(1, words);
    let offset = 0;
    limbs.forEach((limb) => {
      all.set(limb, offset);
      offset += n;
    });
    const p = offset;
    all.set(tables.primes, p);
    const inv = p + 2 * count;
    all.set(tables.inverses, inv);
    const work = inv + 2 * count * count;
    const out = work + count;
    this.exports.garner(0, n, count, 8 * p, 8 * inv, 8 * work, 8 * out);
    const result = new Float64Array(n);
    result.set(new Float64Array(this.exports.memory.buffer, 8 * out, n));
    this.clear(1, words);
    return result;
  }

  /**
   * One limb of decryption: out := INTT(c_d s^d + ... + c_1 s + c_0) by Horner, all inside the
   * module (polys[d] are c_0..c_degree of this limb; s and its companions sS the key's NTT form).
   */
  decryptLimb(
    out: BigUint64Array,
    polys: readonly BigUint64Array[],
    s: BigUint64Array,
    sS: BigUint64Array,
    tw: BigUint64Array,
    tws: BigUint64Array,
    q: bigint,
    nInv: bigint,
    nInvS: bigint,
  ): void {
    const n = out.length;
    const [m, key, keyS, c, t, ts] = this.regions(6, n);
    m.set(polys[polys.length - 1]);
    key.set(s);
    keyS.set(sS);
    for (let d = polys.length - 2; d >= 0; d--) {
      c.set(polys[d]);
      this.exports.mulAdd(0, 8 * n, 16 * n, 24 * n, n, q);
    }
    t.set(tw);
    ts.set(tws);
    this.exports.inverse(0, 32 * n, 40 * n, n, q, nInv, nInvS);
    out.set(m);
    this.clear(6, n);
  }
}

export interface GarnerTables {
  /** q_k and q_k >> 1, per limb. */
  readonly primes: BigUint64Array;
  /** q_k^-1 mod q_i and its Shoup companion at 2 (k count + i), for i > k. */
  readonly inverses: BigUint64Array;
}

/** Which arithmetic the NTT and the decryptor use: WebAssembly when the platform has it. */
let active: WasmKernel | null | undefined;

export function wasmKernel(): WasmKernel | null {
  if (active === undefined) active = WasmKernel.load();
  return active;
}

/** Tests and the bench: run the JavaScript path (false) or the WebAssembly one (true, if available). */
export function useWasmKernel(enabled: boolean): void {
  active = enabled ? WasmKernel.load() : null;
}
