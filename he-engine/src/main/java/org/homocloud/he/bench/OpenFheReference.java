package org.homocloud.he.bench;

import java.util.Map;

/**
 * OpenFHE 1.5.1 on this machine kind, single thread, median of 7 (issue 3), for the same ring
 * degree and prime count: logN 14 with 6 primes, logN 16 with 21 primes.
 */
final class OpenFheReference {

  private OpenFheReference() {}

  private static final Map<String, double[]> MS = Map.of(
      "ntt", new double[] {0.25, 1.07},
      "encode", new double[] {2.2, 31},
      "encrypt", new double[] {10.8, 144},
      "decrypt", new double[] {14.3, 212},
      "mul_relin_rescale", new double[] {25.8, 410},
      "rotate", new double[] {21.4, 339},
      // Each hoisted rotation after the shared precompute, and the precompute itself.
      "hoisted_rotation", new double[] {11.5, 174},
      "hoisted_precompute", new double[] {8.8, 155});

  /** OpenFHE with 2 threads, multiply+relinearize+rescale at logN 16. */
  static final double MUL_RELIN_RESCALE_LOGN16_TWO_THREADS_MS = 256;

  /** Mean precision after a multiplication: 31.9 bits (logN 14, 2^50), 38.8 bits (logN 16, 2^59). */
  static Double precisionAfterMultiply(int logN) {
    return logN == 14 ? 31.9 : logN == 16 ? 38.8 : null;
  }

  /** Top-level ciphertext size: 1.57 MB (logN 14), 22 MB (logN 16). */
  static Double ciphertextBytes(int logN) {
    return logN == 14 ? 1.57e6 : logN == 16 ? 22e6 : null;
  }

  /** Single-threaded OpenFHE milliseconds for {@code op}, or null when there is no figure. */
  static Double ms(String op, int logN) {
    double[] row = MS.get(op);
    if (row == null || (logN != 14 && logN != 16)) {
      return null;
    }
    return row[logN == 14 ? 0 : 1];
  }
}
