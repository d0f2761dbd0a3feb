package org.homocloud.he.ring;

import org.homocloud.he.HeException;
import java.math.BigInteger;

/**
 * Arithmetic modulo one word-size prime q below 2^61.
 *
 * <p>The 2^61 bound leaves two spare bits in a signed long, so that lazily reduced values in
 * [0, 4q) (Harvey's NTT butterflies) never overflow. Two multiplications are offered:
 * Shoup's, for products by a constant known in advance (NTT twiddles, rescale factors), and
 * Montgomery's, for products of two variables (key material is stored in Montgomery form).
 * Both use {@link Math#multiplyHigh}; on Java 17 the unsigned high word is recovered from the
 * signed one with a mask. Instances are immutable.
 */
public final class Modulus {

  /** Largest supported bit length of a modulus. */
  public static final int MAX_BITS = 61;

  private final long q;
  private final long twoQ;
  private final long qInvMod2to64;
  private final long montgomeryR2;
  private final long montgomeryOne;
  private final long barrettShoupOne;

  public Modulus(long q) {
    if (q < 3 || (q & 1) == 0 || 64 - Long.numberOfLeadingZeros(q) > MAX_BITS) {
      throw new HeException(
          "modulus must be odd, at least 3 and below 2^" + MAX_BITS + ": " + q);
    }
    this.q = q;
    this.twoQ = q << 1;
    long inv = q; // Newton iteration doubles the number of correct low bits each step.
    for (int i = 0; i < 6; i++) {
      inv *= 2 - q * inv;
    }
    this.qInvMod2to64 = inv;
    BigInteger bigQ = BigInteger.valueOf(q);
    this.montgomeryOne = BigInteger.ONE.shiftLeft(64).mod(bigQ).longValue();
    this.montgomeryR2 = BigInteger.ONE.shiftLeft(128).mod(bigQ).longValue();
    this.barrettShoupOne = shoup(1);
  }

  public long value() {
    return q;
  }

  public int bitLength() {
    return 64 - Long.numberOfLeadingZeros(q);
  }

  /** (a + b) mod q for a, b in [0, q). */
  public long add(long a, long b) {
    long s = a + b - q;
    return s + ((s >> 63) & q);
  }

  /** (a - b) mod q for a, b in [0, q). */
  public long sub(long a, long b) {
    long d = a - b;
    return d + ((d >> 63) & q);
  }

  /** -a mod q for a in [0, q). */
  public long neg(long a) {
    long d = q - a;
    return d & -(long) (a != 0 ? 1 : 0);
  }

  /** Reduces any signed long to [0, q). */
  public long reduce(long x) {
    long r = x % q;
    return r + ((r >> 63) & q);
  }

  /** Reduces any non-negative long to [0, q) with one Shoup product, no division. */
  public long reduceNonNegative(long x) {
    return reduceOnce(mulShoupLazy(x, 1, barrettShoupOne, q));
  }

  /** Reduces a value in [0, 2q) to [0, q). */
  public long reduceOnce(long x) {
    long d = x - q;
    return d + ((d >> 63) & q);
  }

  /** Shoup's precomputed companion of a constant w in [0, q): floor(w * 2^64 / q), as unsigned. */
  public long shoup(long w) {
    // Schoolbook binary long division of w * 2^64 by q: cheap enough for table set-up and
    // avoids a BigInteger per twiddle factor.
    long remainder = reduce(w);
    long quotient = 0;
    for (int bit = 0; bit < 64; bit++) {
      remainder <<= 1;
      quotient <<= 1;
      if (remainder >= q) {
        remainder -= q;
        quotient |= 1;
      }
    }
    return quotient;
  }

  /** a * w mod q, lazily in [0, 2q), for a in [0, 4q) and a Shoup pair (w, wShoup). */
  public static long mulShoupLazy(long a, long w, long wShoup, long q) {
    long quotient = Math.multiplyHigh(a, wShoup) + (a & (wShoup >> 63));
    return a * w - quotient * q;
  }

  /** a * w mod q in [0, q), for a in [0, 4q) and a Shoup pair (w, wShoup). */
  public long mulShoup(long a, long w, long wShoup) {
    long r = mulShoupLazy(a, w, wShoup, q) - q;
    return r + ((r >> 63) & q);
  }

  /**
   * Montgomery product a * b * 2^-64 mod q, in [0, q), for non-negative a, b with a * b < q *
   * 2^64 (true whenever a < 4q and b < q).
   */
  public long mulMontgomery(long a, long b) {
    return montgomeryReduce(Math.multiplyHigh(a, b), a * b, q, qInvMod2to64);
  }

  static long montgomeryReduce(long hi, long lo, long q, long qInv) {
    long m = lo * qInv;
    long mqHigh = Math.multiplyHigh(m, q) + ((m >> 63) & q);
    long r = hi - mqHigh;
    return r + ((r >> 63) & q);
  }

  long qInvMod2to64() {
    return qInvMod2to64;
  }

  /** b * 2^64 mod q: the Montgomery form of b in [0, q). */
  public long toMontgomery(long b) {
    return mulMontgomery(b, montgomeryR2);
  }

  /** The Montgomery form of 1, i.e. 2^64 mod q. */
  public long montgomeryOne() {
    return montgomeryOne;
  }

  /** a * b mod q for any a, b in [0, q). Slower than the specialised forms; for set-up code. */
  public long mul(long a, long b) {
    return mulMontgomery(mulMontgomery(a, b), montgomeryR2);
  }

  public long pow(long base, long exponent) {
    long result = 1;
    long b = reduce(base);
    long e = exponent;
    while (e > 0) {
      if ((e & 1) == 1) {
        result = mul(result, b);
      }
      b = mul(b, b);
      e >>>= 1;
    }
    return result;
  }

  /** Multiplicative inverse of a non-zero a modulo the prime q. */
  public long inverse(long a) {
    long r = reduce(a);
    if (r == 0) {
      throw new ArithmeticException("0 has no inverse modulo " + q);
    }
    return pow(r, q - 2);
  }

  long twoQ() {
    return twoQ;
  }

  long shoupOfOne() {
    return barrettShoupOne;
  }

  @Override
  public String toString() {
    return "Modulus(" + q + ", " + bitLength() + " bits)";
  }
}
