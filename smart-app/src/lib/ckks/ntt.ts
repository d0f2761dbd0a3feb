import { invMod, primitiveRoot2N, powMod } from './modular';
import { wasmKernel as wasmKernelImported } from './wasm/kernel';
import {
  addAt as addImported,
  HIGH as HIGH_WORD,
  LOW as LOW_WORD,
  modulus,
  mulShoup as mulShoupImported,
  mulShoupAt as mulShoupAtImported,
  ShoupTable,
  wordsOf,
  type Modulus,
} from './word64';

// Local copies of imports used in hot loops: some loaders (vitest, CommonJS interop) turn each
// use of an import into a property read through a getter.
const LOW = LOW_WORD;
const HIGH = HIGH_WORD;
const mulShoup = mulShoupImported;
const mulShoupAt = mulShoupAtImported;
const addAt = addImported;
const wasmKernel = wasmKernelImported;

const TWO32 = 4294967296;

function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) {
    r = (r << 1) | ((i >> b) & 1);
  }
  return r;
}

/**
 * Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1), laid out exactly as he-engine's
 * ring/Ntt: forward Cooley-Tukey with psi^brv(i) twiddles, output in bit-reversed order
 * (a[i] = f(psi^(2 brv(i) + 1))); inverse Gentleman-Sande with the 1/N scaling.
 *
 * Runs in the WebAssembly kernel (wasm/ntt.wat: native 64-bit Shoup products) where the platform
 * has WebAssembly, else on 32-bit halves with Shoup multiplication (word64.ts); never on BigInt.
 * The residues are the same on every path.
 */
export class Ntt {
  readonly n: number;
  readonly modulus: Modulus;
  private readonly psiRev: ShoupTable;
  private readonly psiInvRev: ShoupTable;
  private readonly nInv: ShoupTable;

  constructor(
    readonly q: bigint,
    readonly logN: number,
  ) {
    const n = 1 << logN;
    this.n = n;
    this.modulus = modulus(q);
    const psi = primitiveRoot2N(q, logN);
    const psiInv = invMod(psi, q);
    const psiRev = new Array<bigint>(n);
    const psiInvRev = new Array<bigint>(n);
    let power = 1n;
    let powerInv = 1n;
    for (let i = 0; i < n; i++) {
      const r = bitReverse(i, logN);
      psiRev[r] = power;
      psiInvRev[r] = powerInv;
      power = (power * psi) % q;
      powerInv = (powerInv * psiInv) % q;
    }
    this.psiRev = ShoupTable.of(psiRev, q);
    this.psiInvRev = ShoupTable.of(psiInvRev, q);
    this.nInv = ShoupTable.of([powMod(BigInt(n), q - 2n, q)], q);
  }

  /** In place: coefficients in [0, q) to NTT form in [0, q). */
  forward(limb: BigUint64Array): void {
    const kernel = wasmKernel();
    if (kernel) {
      kernel.forward(limb, this.psiRev.w64, this.psiRev.s64, this.q);
      return;
    }
    const a = wordsOf(limb);
    const m = this.modulus;
    const psi = this.psiRev;
    const qHi = m.hi;
    const qLo = m.lo;
    const n = this.n;
    let t = n;
    for (let blocks = 1; blocks < n; blocks <<= 1) {
      t >>= 1;
      for (let i = 0; i < blocks; i++) {
        const j1 = 2 * i * t;
        const j2 = j1 + t;
        const w = blocks + i;
        const wLo = psi.wLo[w];
        const wHi = psi.wHi[w];
        const cLo = psi.sLo[w]; // the Shoup companion
        const cHi = psi.sHi[w];
        for (let j = j1; j < j2; j++) {
          mulShoup(a, j + t, wLo, wHi, cLo, cHi, qLo, qHi); // v = a[j + t] w
          const uLo = a[2 * j + LOW];
          const uHi = a[2 * j + HIGH];
          const vLo = a[2 * (j + t) + LOW];
          const vHi = a[2 * (j + t) + HIGH];
          // a[j] = u + v mod q
          let sLo = uLo + vLo;
          let sHi = uHi + vHi;
          if (sLo >= TWO32) {
            sLo -= TWO32;
            sHi += 1;
          }
          if (sHi > qHi || (sHi === qHi && sLo >= qLo)) {
            sLo -= qLo;
            sHi -= qHi;
            if (sLo < 0) {
              sLo += TWO32;
              sHi -= 1;
            }
          }
          // a[j + t] = u - v mod q
          let dLo = uLo - vLo;
          let dHi = uHi - vHi;
          if (dLo < 0) {
            dLo += TWO32;
            dHi -= 1;
          }
          if (dHi < 0) {
            dLo += qLo;
            dHi += qHi;
            if (dLo >= TWO32) {
              dLo -= TWO32;
              dHi += 1;
            }
          }
          a[2 * j + LOW] = sLo;
          a[2 * j + HIGH] = sHi;
          a[2 * (j + t) + LOW] = dLo;
          a[2 * (j + t) + HIGH] = dHi;
        }
      }
    }
  }

  /**
   * One limb of decryption: the coefficients of c_d s^d + ... + c_1 s + c_0, evaluated by Horner
   * in NTT form (`polys` are this limb of c_0..c_d, `key` the secret key's limb with its Shoup
   * companions), then brought back by the inverse transform.
   */
  decryptLimb(polys: readonly BigUint64Array[], key: ShoupTable): BigUint64Array {
    const n = this.n;
    const out = new BigUint64Array(n);
    const kernel = wasmKernel();
    if (kernel) {
      const nInv = this.nInv;
      kernel.decryptLimb(out, polys, key.w64, key.s64, this.psiInvRev.w64, this.psiInvRev.s64, this.q, nInv.w64[0], nInv.s64[0]);
      return out;
    }
    out.set(polys[polys.length - 1]);
    const m = wordsOf(out);
    for (let d = polys.length - 2; d >= 0; d--) {
      const c = wordsOf(polys[d]);
      for (let j = 0; j < n; j++) {
        mulShoupAt(m, j, key, j, this.modulus);
        addAt(m, j, c, j, this.modulus);
      }
    }
    this.inverse(out);
    return out;
  }

  /** In place: NTT form in [0, q) to coefficients in [0, q). */
  inverse(limb: BigUint64Array): void {
    const kernel = wasmKernel();
    if (kernel) {
      kernel.inverse(limb, this.psiInvRev.w64, this.psiInvRev.s64, this.q, this.nInv.w64[0], this.nInv.s64[0]);
      return;
    }
    const a = wordsOf(limb);
    const m = this.modulus;
    const psi = this.psiInvRev;
    const qHi = m.hi;
    const qLo = m.lo;
    const n = this.n;
    let t = 1;
    for (let blocks = n; blocks > 1; blocks >>= 1) {
      const h = blocks >> 1;
      let j1 = 0;
      for (let i = 0; i < h; i++) {
        const j2 = j1 + t;
        const w = h + i;
        const wLo = psi.wLo[w];
        const wHi = psi.wHi[w];
        const cLo = psi.sLo[w]; // the Shoup companion
        const cHi = psi.sHi[w];
        for (let j = j1; j < j2; j++) {
          const uLo = a[2 * j + LOW];
          const uHi = a[2 * j + HIGH];
          const vLo = a[2 * (j + t) + LOW];
          const vHi = a[2 * (j + t) + HIGH];
          let sLo = uLo + vLo;
          let sHi = uHi + vHi;
          if (sLo >= TWO32) {
            sLo -= TWO32;
            sHi += 1;
          }
          if (sHi > qHi || (sHi === qHi && sLo >= qLo)) {
            sLo -= qLo;
            sHi -= qHi;
            if (sLo < 0) {
              sLo += TWO32;
              sHi -= 1;
            }
          }
          let dLo = uLo - vLo;
          let dHi = uHi - vHi;
          if (dLo < 0) {
            dLo += TWO32;
            dHi -= 1;
          }
          if (dHi < 0) {
            dLo += qLo;
            dHi += qHi;
            if (dLo >= TWO32) {
              dLo -= TWO32;
              dHi += 1;
            }
          }
          a[2 * j + LOW] = sLo;
          a[2 * j + HIGH] = sHi;
          a[2 * (j + t) + LOW] = dLo;
          a[2 * (j + t) + HIGH] = dHi;
          mulShoup(a, j + t, wLo, wHi, cLo, cHi, qLo, qHi); // a[j + t] = (u - v) w
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    const nInv = this.nInv;
    for (let j = 0; j < n; j++) mulShoup(a, j, nInv.wLo[0], nInv.wHi[0], nInv.sLo[0], nInv.sHi[0], qLo, qHi);
  }
}
