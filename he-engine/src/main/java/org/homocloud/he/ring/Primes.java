package org.homocloud.he.ring;

import org.homocloud.he.HeException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deterministic search for NTT-friendly primes: q = 1 mod 2N, close to a requested power of
 * two, so that rescaling by q keeps the scale near 2^bits.
 */
public final class Primes {

  private static final long[] MILLER_RABIN_BASES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

  private Primes() {}

  /**
   * Returns {@code count} distinct primes congruent to 1 mod 2N, alternately just below and just
   * above 2^bits (closest first), skipping any in {@code exclude}. The same inputs always give
   * the same primes.
   */
  public static List<Long> nttFriendly(int bits, int logN, int count, Collection<Long> exclude) {
    if (bits < logN + 2 || bits > Modulus.MAX_BITS) {
      throw new HeException(
          "prime size must be in [" + (logN + 2) + ", " + Modulus.MAX_BITS + "] bits: " + bits);
    }
    long step = 2L << logN;
    long center = 1L << bits;
    long up = center + 1;
    long down = center - step + 1;
    long upperLimit = bits == Modulus.MAX_BITS ? center - 1 : (1L << (bits + 1)) - 1;
    Set<Long> excluded = new HashSet<>(exclude);
    List<Long> found = new ArrayList<>(count);
    boolean tryUp = false;
    while (found.size() < count) {
      boolean upPossible = up < upperLimit && bits < Modulus.MAX_BITS;
      boolean downPossible = down > (1L << (bits - 1));
      if (!upPossible && !downPossible) {
        throw new HeException(
            "not enough " + bits + "-bit primes congruent to 1 mod 2^" + (logN + 1));
      }
      long candidate;
      if ((tryUp && upPossible) || !downPossible) {
        candidate = up;
        up += step;
      } else {
        candidate = down;
        down -= step;
      }
      tryUp = !tryUp;
      if (!excluded.contains(candidate) && isPrime(candidate)) {
        found.add(candidate);
        excluded.add(candidate);
      }
    }
    return found;
  }

  /** Deterministic Miller-Rabin for 64-bit integers. */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long p : MILLER_RABIN_BASES) {
      if (n % p == 0) {
        return n == p;
      }
    }
    BigInteger bigN = BigInteger.valueOf(n);
    BigInteger nMinusOne = bigN.subtract(BigInteger.ONE);
    int s = nMinusOne.getLowestSetBit();
    BigInteger d = nMinusOne.shiftRight(s);
    for (long a : MILLER_RABIN_BASES) {
      BigInteger x = BigInteger.valueOf(a).modPow(d, bigN);
      if (x.equals(BigInteger.ONE) || x.equals(nMinusOne)) {
        continue;
      }
      boolean composite = true;
      for (int r = 1; r < s; r++) {
        x = x.multiply(x).mod(bigN);
        if (x.equals(nMinusOne)) {
          composite = false;
          break;
        }
      }
      if (composite) {
        return false;
      }
    }
    return true;
  }

  /** A primitive 2N-th root of unity modulo the prime q (q = 1 mod 2N), found deterministically. */
  public static long primitiveRoot2N(Modulus q, int logN) {
    long twoN = 2L << logN;
    long exponent = (q.value() - 1) / twoN;
    for (long g = 2; g < q.value(); g++) {
      long psi = q.pow(g, exponent);
      // psi has order exactly 2N iff psi^N = -1.
      if (q.pow(psi, twoN >> 1) == q.value() - 1) {
        return psi;
      }
    }
    throw new IllegalStateException("no primitive 2N-th root modulo " + q.value());
  }
}
