/**
 * Arithmetic modulo a prime q < 2^61 without BigInt: every residue is two unsigned 32-bit
 * halves, stored interleaved in the Uint32Array view of a BigUint64Array limb (element j at
 * words[2j + LOW], words[2j + HIGH]), so limbs keep the BigUint64Array type the readers fill.
 *
 * Multiplication is Shoup's by a fixed operand w with its companion w' = floor(w 2^64 / q)
 * (Harvey, "Faster arithmetic for number-theoretic transforms", 2014): every multiplier in
 * decryption is fixed (NTT twiddles, 1/N, the secret key in NTT form, CRT inverses), so w' is
 * computed once. The quotient high64(a w') is estimated in doubles, which can be off by one
 * either way; the remainder is then in [-q, 3q) and two corrections bring it to [0, q). The low
 * 64 bits of a w and quotient q are exact: Math.imul gives the low 32 bits of a 32 x 32 product
 * and the double product, less those bits, gives the high 32 (the double is within 2^11 of the
 * exact product, far less than 2^32).
 *
 * Residues are exact, so a result equals the BigInt computation's bit for bit.
 */

/** Index of the low and high 32-bit half of a 64-bit word in this platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
export const LOW = LITTLE_ENDIAN ? 0 : 1;
export const HIGH = LITTLE_ENDIAN ? 1 : 0;

const TWO32 = 4294967296;
const TWO31 = 2147483648;
const INV_TWO32 = 1 / TWO32;

/** A prime below 2^61 as 32-bit halves. */
export interface Modulus {
  readonly q: bigint;
  readonly hi: number;
  readonly lo: number;
}

export function modulus(q: bigint): Modulus {
  if (q <= 2n || q >= 1n << 61n) throw new Error(`modulus must be in (2, 2^61): ${q}`);
  return { q, hi: Number(q >> 32n), lo: Number(q & 0xffffffffn) };
}

/**
 * Multipliers w_0..w_{n-1} modulo q with their Shoup companions, as 32-bit halves in four
 * arrays (a struct of arrays keeps the hot loops on typed-array loads).
 */
export class ShoupTable {
  readonly wHi: Uint32Array;
  readonly wLo: Uint32Array;
  readonly sHi: Uint32Array;
  readonly sLo: Uint32Array;
  /** The same multipliers and companions as whole 64-bit words, for the WebAssembly kernel. */
  readonly w64: BigUint64Array;
  readonly s64: BigUint64Array;

  private constructor(length: number) {
    this.wHi = new Uint32Array(length);
    this.wLo = new Uint32Array(length);
    this.sHi = new Uint32Array(length);
    this.sLo = new Uint32Array(length);
    this.w64 = new BigUint64Array(length);
    this.s64 = new BigUint64Array(length);
  }

  /** From residues in [0, q) given as BigInts (tables built once per parameter set). */
  static of(values: ArrayLike<bigint>, q: bigint): ShoupTable {
    const table = new ShoupTable(values.length);
    for (let i = 0; i < values.length; i++) {
      const w = values[i];
      if (w < 0n || w >= q) throw new Error(`multiplier ${w} is not a residue modulo ${q}`);
      const s = (w << 64n) / q;
      table.w64[i] = w;
      table.s64[i] = s;
      table.wHi[i] = Number(w >> 32n);
      table.wLo[i] = Number(w & 0xffffffffn);
      table.sHi[i] = Number(s >> 32n);
      table.sLo[i] = Number(s & 0xffffffffn);
    }
    return table;
  }

  /** From a limb of residues in [0, q) (the secret key in NTT form). */
  static ofLimb(limb: BigUint64Array, q: bigint): ShoupTable {
    return ShoupTable.of(limb, q);
  }

  get length(): number {
    return this.wHi.length;
  }

  /** Zeroes every copy (a table of the secret key is key material). */
  wipe(): void {
    this.wHi.fill(0);
    this.wLo.fill(0);
    this.sHi.fill(0);
    this.sLo.fill(0);
    this.w64.fill(0n);
    this.s64.fill(0n);
  }
}

/**
 * words[2i] := words[2i] * w mod q in place (a residue in [0, q)), for the multiplier at
 * `index` of `table`.
 */
export function mulShoupAt(words: Uint32Array, i: number, table: ShoupTable, index: number, m: Modulus): void {
  mulShoup(words, i, table.wLo[index], table.wHi[index], table.sLo[index], table.sHi[index], m.lo, m.hi);
}

/**
 * words[2i] := words[2i] * w mod q in place, with w, its companion w' and q given as 32-bit
 * halves, so a loop with a fixed multiplier (an NTT block) loads them once. Written out rather than
 * split into helpers so V8 keeps it in registers.
 */
export function mulShoup(
  words: Uint32Array,
  i: number,
  wLo: number,
  wHi: number,
  sLo: number,
  sHi: number,
  qLo: number,
  qHi: number,
): void {
  const aLo = words[2 * i + LOW];
  const aHi = words[2 * i + HIGH];

  // Quotient estimate: high64(a w') = aHi sHi + carry of the middle terms.
  const top = aHi * sHi; // < 2^61: within 2^8 of exact
  const topLo = Math.imul(aHi, sHi) >>> 0;
  const topHi = Math.round((top - topLo) * INV_TWO32);
  const carry = Math.floor((aHi * sLo + aLo * sHi + aLo * sLo * INV_TWO32) * INV_TWO32);
  const quotientLoSum = topLo + carry;
  const quotientLo = quotientLoSum >>> 0;
  const quotientHi = topHi + Math.floor(quotientLoSum * INV_TWO32);

  // Low 64 bits of a w.
  const low = aLo * wLo;
  const lowLo = Math.imul(aLo, wLo) >>> 0;
  const lowHi = Math.round((low - lowLo) * INV_TWO32);
  const awHi = (lowHi + Math.imul(aHi, wLo) + Math.imul(aLo, wHi)) >>> 0;

  // Low 64 bits of quotient q.
  const ql = quotientLo * qLo;
  const qlLo = Math.imul(quotientLo, qLo) >>> 0;
  const qlHi = Math.round((ql - qlLo) * INV_TWO32);
  const qqHi = (qlHi + Math.imul(quotientHi, qLo) + Math.imul(quotientLo, qHi)) >>> 0;

  // r = a w - quotient q mod 2^64, in [-q, 3q).
  let rLo = lowLo - qlLo;
  let rHi = awHi - qqHi;
  if (rLo < 0) {
    rLo += TWO32;
    rHi -= 1;
  }
  rHi >>>= 0;
  if (rHi >= TWO31) {
    // Negative: the quotient was one too large.
    rLo += qLo;
    rHi += qHi;
    if (rLo >= TWO32) {
      rLo -= TWO32;
      rHi += 1;
    }
    rHi >>>= 0;
  }
  // At most two subtractions bring [0, 3q) to [0, q).
  if (rHi > qHi || (rHi === qHi && rLo >= qLo)) {
    rLo -= qLo;
    rHi -= qHi;
    if (rLo < 0) {
      rLo += TWO32;
      rHi -= 1;
    }
    if (rHi > qHi || (rHi === qHi && rLo >= qLo)) {
      rLo -= qLo;
      rHi -= qHi;
      if (rLo < 0) {
        rLo += TWO32;
        rHi -= 1;
      }
    }
  }
  words[2 * i + LOW] = rLo;
  words[2 * i + HIGH] = rHi;
}

/** words[2i] := (words[2i] + other[2j]) mod q, both residues in [0, q). */
export function addAt(words: Uint32Array, i: number, other: Uint32Array, j: number, m: Modulus): void {
  let lo = words[2 * i + LOW] + other[2 * j + LOW];
  let hi = words[2 * i + HIGH] + other[2 * j + HIGH];
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  if (hi > m.hi || (hi === m.hi && lo >= m.lo)) {
    lo -= m.lo;
    hi -= m.hi;
    if (lo < 0) {
      lo += TWO32;
      hi -= 1;
    }
  }
  words[2 * i + LOW] = lo;
  words[2 * i + HIGH] = hi;
}

/** A residue of `words` as a BigInt (tests and error messages only). */
export function residueAt(words: Uint32Array, i: number): bigint {
  return (BigInt(words[2 * i + HIGH]) << 32n) | BigInt(words[2 * i + LOW]);
}

export function wordsOf(limb: BigUint64Array): Uint32Array {
  return new Uint32Array(limb.buffer, limb.byteOffset, limb.length * 2);
}
