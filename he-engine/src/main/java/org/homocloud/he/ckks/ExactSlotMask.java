package org.homocloud.he.ckks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.Plaintext;

/**
 * A 0/1 slot mask encoded with exact rounding at a scale far beyond a double's 53 bits.
 *
 * <p>Why not {@link Encoder}: a mask is an integer polynomial p with p(zeta_j) close to scale * mask_j,
 * and its rounding error e = p - scale * mask (each coefficient within 1/2) multiplies the other slots:
 * a masked slot j holds value_j * decode(e)_j / scale. The encoder computes coefficients in doubles, so
 * at any scale its relative error is about 2^-53 and a masked-out value is still visible at that level.
 * Here the coefficients (2/N) sum_{t in mask} cos(pi * 5^t * k / N) are computed in 50-digit decimals
 * and rounded exactly, so the leak shrinks with the scale: with {@code scale = 2^116} it is below
 * 2^-106 of each masked-out value. Real masks only (full slots, one 0/1 value per slot).
 */
final class ExactSlotMask {

  private static final MathContext CONTEXT = new MathContext(50, RoundingMode.HALF_EVEN);
  private static final BigDecimal PI = new BigDecimal(
      "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899");
  /** Fractional bits of the fixed-point cosine table. */
  private static final int FIXED_BITS = 160;
  /** round(cos(pi * r / N) * 2^160) for r in [0, N/2], per ring degree N: computed once, then shared. */
  private static final Map<Integer, BigInteger[]> COSINES = new ConcurrentHashMap<>();

  private ExactSlotMask() {}

  /**
   * The mask with 1 in {@code slots} and 0 elsewhere, at {@code level} and {@code scale}, in NTT form.
   * The plaintext's nominal scale is {@code scale} as a double; its coefficients are exact to 1/2.
   */
  static Plaintext encode(CkksParameters parameters, int[] slots, int level, BigInteger scale) {
    int n = parameters.n();
    int half = n / 2;
    int m = 2 * n;
    long[] rotationGroup = new long[half];
    long five = 1;
    for (int j = 0; j < half; j++) {
      rotationGroup[j] = five;
      five = (five * 5) % m;
    }
    if (scale.signum() <= 0 || scale.bitLength() > FIXED_BITS - 24) {
      throw new HeException("mask scale must be positive and below 2^" + (FIXED_BITS - 24) + ": " + scale);
    }
    BigInteger[] cosines = COSINES.computeIfAbsent(n, ExactSlotMask::cosineTable);
    // coefficient_k = round(scale * (2/N) * sum_t cos(...)): one exact product, then a rounded shift by
    // FIXED_BITS + log2(N) - 1. The table's error (2^-160 per term) stays far below the final 1/2.
    int shift = FIXED_BITS + Integer.numberOfTrailingZeros(n) - 1;
    BigInteger roundingHalf = BigInteger.ONE.shiftLeft(shift - 1);
    RnsRing ring = parameters.rlwe().ringQ();
    RnsPoly poly = ring.newPoly(level + 1);
    long[] primes = new long[level + 1];
    for (int l = 0; l <= level; l++) {
      primes[l] = ring.modulus(l).value();
    }
    for (int slot : slots) {
      if (slot < 0 || slot >= half) {
        throw new HeException("mask slot must be in [0, " + half + "): " + slot);
      }
    }
    for (int k = 0; k < n; k++) {
      BigInteger sum = BigInteger.ZERO;
      for (int slot : slots) {
        int r = (int) ((rotationGroup[slot] * k) % m);
        sum = sum.add(cosOfPiTimes(r, n, cosines));
      }
      BigInteger coefficient = sum.multiply(scale).add(roundingHalf).shiftRight(shift);
      for (int l = 0; l <= level; l++) {
        poly.limb(l)[k] = coefficient.mod(BigInteger.valueOf(primes[l])).longValue();
      }
    }
    ring.ntt(poly);
    return new Plaintext(poly, scale.doubleValue(), parameters.maxLogSlots());
  }

  /** cos(pi * r / n) for any r, from the quarter-period table by symmetry. */
  private static BigInteger cosOfPiTimes(int r, int n, BigInteger[] quarter) {
    int reduced = Math.floorMod(r, 2 * n);
    if (reduced > n) {
      reduced = 2 * n - reduced; // cos(2 pi - x) = cos(x)
    }
    if (reduced > n / 2) {
      return quarter[n - reduced].negate(); // cos(pi - x) = -cos(x)
    }
    return quarter[reduced];
  }

  private static BigInteger[] cosineTable(int n) {
    BigInteger[] table = new BigInteger[n / 2 + 1];
    BigDecimal one = new BigDecimal(BigInteger.ONE.shiftLeft(FIXED_BITS));
    for (int r = 0; r <= n / 2; r++) {
      BigDecimal x = PI.multiply(BigDecimal.valueOf(r)).divide(BigDecimal.valueOf(n), CONTEXT);
      table[r] = cosine(x).multiply(one, CONTEXT).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
    }
    return table;
  }

  /** Taylor series of cos(x) for 0 <= x <= pi/2: 40 terms put the error far below 10^-50. */
  private static BigDecimal cosine(BigDecimal x) {
    BigDecimal xSquared = x.multiply(x, CONTEXT);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int i = 1; i <= 40; i++) {
      term = term.multiply(xSquared, CONTEXT).divide(BigDecimal.valueOf((2L * i - 1) * (2L * i)), CONTEXT).negate();
      sum = sum.add(term, CONTEXT);
    }
    return sum;
  }
}
