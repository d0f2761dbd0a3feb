import { invMod, primitiveRoot2N, powMod } from '../../../src/lib/ckks/modular';

function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) {
    r = (r << 1) | ((i >> b) & 1);
  }
  return r;
}

/**
 * Reference (BigInt) negacyclic number-theoretic transform over Z_q[X]/(X^N + 1), laid out exactly as he-engine's
 * ring/Ntt: forward Cooley-Tukey with psi^brv(i) twiddles, output in bit-reversed order
 * (a[i] = f(psi^(2 brv(i) + 1))); inverse Gentleman-Sande with the 1/N scaling.
 */
export class BigIntNtt {
  readonly n: number;
  private readonly psiRev: bigint[];
  private readonly psiInvRev: bigint[];
  private readonly nInv: bigint;

  constructor(
    readonly q: bigint,
    readonly logN: number,
  ) {
    const n = 1 << logN;
    this.n = n;
    const psi = primitiveRoot2N(q, logN);
    const psiInv = invMod(psi, q);
    this.psiRev = new Array<bigint>(n);
    this.psiInvRev = new Array<bigint>(n);
    let power = 1n;
    let powerInv = 1n;
    for (let i = 0; i < n; i++) {
      const r = bitReverse(i, logN);
      this.psiRev[r] = power;
      this.psiInvRev[r] = powerInv;
      power = (power * psi) % q;
      powerInv = (powerInv * psiInv) % q;
    }
    this.nInv = powMod(BigInt(n), q - 2n, q);
  }

  /** In place: coefficients in [0, q) to NTT form in [0, q). */
  forward(a: BigUint64Array): void {
    const q = this.q;
    const n = this.n;
    let t = n;
    for (let m = 1; m < n; m <<= 1) {
      t >>= 1;
      for (let i = 0; i < m; i++) {
        const w = this.psiRev[m + i];
        const j1 = 2 * i * t;
        const j2 = j1 + t;
        for (let j = j1; j < j2; j++) {
          const u = a[j];
          const v = (a[j + t] * w) % q;
          const sum = u + v;
          a[j] = sum >= q ? sum - q : sum;
          a[j + t] = u >= v ? u - v : u + q - v;
        }
      }
    }
  }

  /** In place: NTT form in [0, q) to coefficients in [0, q). */
  inverse(a: BigUint64Array): void {
    const q = this.q;
    const n = this.n;
    let t = 1;
    for (let m = n; m > 1; m >>= 1) {
      const h = m >> 1;
      let j1 = 0;
      for (let i = 0; i < h; i++) {
        const w = this.psiInvRev[h + i];
        const j2 = j1 + t;
        for (let j = j1; j < j2; j++) {
          const u = a[j];
          const v = a[j + t];
          const sum = u + v;
          a[j] = sum >= q ? sum - q : sum;
          a[j + t] = ((u >= v ? u - v : u + q - v) * w) % q;
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    const nInv = this.nInv;
    for (let j = 0; j < n; j++) {
      a[j] = (a[j] * nInv) % q;
    }
  }
}
