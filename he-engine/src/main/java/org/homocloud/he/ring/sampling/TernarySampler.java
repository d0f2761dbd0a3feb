package org.homocloud.he.ring.sampling;

import org.homocloud.he.HeException;

/**
 * Ternary polynomials with coefficients in {-1, 0, 1}: dense (each coefficient uniform over the
 * three values) or sparse with an exact Hamming weight h (h non-zero coefficients, signs
 * uniform, positions uniform by a Fisher-Yates shuffle).
 */
public final class TernarySampler {

  private TernarySampler() {}

  public static long[] dense(int n, Xof xof) {
    long[] out = new long[n];
    for (int j = 0; j < n; ) {
      long word = xof.nextLong();
      // Each 2-bit chunk gives 0, 1, 2 (kept) or 3 (rejected) for an unbiased 1/3 each.
      for (int k = 0; k < 32 && j < n; k++, word >>>= 2) {
        int v = (int) (word & 3);
        if (v != 3) {
          out[j++] = v - 1;
        }
      }
    }
    return out;
  }

  public static long[] sparse(int n, int hammingWeight, Xof xof) {
    if (hammingWeight < 1 || hammingWeight > n) {
      throw new HeException(
          "Hamming weight must be in [1, " + n + "]: " + hammingWeight);
    }
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = i;
    }
    long[] out = new long[n];
    for (int i = 0; i < hammingWeight; i++) {
      int j = i + uniformBelow(n - i, xof);
      int tmp = positions[i];
      positions[i] = positions[j];
      positions[j] = tmp;
      out[positions[i]] = (xof.nextLong() & 1) == 0 ? 1 : -1;
    }
    return out;
  }

  private static int uniformBelow(int bound, Xof xof) {
    long mask = -1L >>> Long.numberOfLeadingZeros(bound);
    while (true) {
      long v = xof.nextLong() & mask;
      if (v < bound) {
        return (int) v;
      }
    }
  }
}
