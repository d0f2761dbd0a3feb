package org.homocloud.he.ckks;

/** Galois elements for slot rotations and conjugation. */
public final class Rotations {

  private Rotations() {}

  /** Galois element rotating slots left by {@code k} (negative k rotates right): 5^k mod 2N. */
  public static long galoisElement(int logN, int k) {
    int half = 1 << (logN - 1);
    long m = 2L << logN;
    long exponent = Math.floorMod(k, half);
    long result = 1;
    long base = 5;
    while (exponent > 0) {
      if ((exponent & 1) == 1) {
        result = (result * base) % m;
      }
      base = (base * base) % m;
      exponent >>= 1;
    }
    return result;
  }

  /** Galois element of complex conjugation of every slot: X -> X^(2N - 1). */
  public static long conjugationElement(int logN) {
    return (2L << logN) - 1;
  }
}
