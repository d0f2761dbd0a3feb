package org.homocloud.he.ckks;

import org.homocloud.he.HeException;

/**
 * Precision of decrypted values against a plaintext reference, in bits: -log2 of the error.
 * "Minimum" is over the worst slot, "mean" over the mean absolute error, as Lattigo reports.
 */
public record PrecisionStats(double minBits, double meanBits, double maxError, int slots) {

  /** Compares real parts; {@code expected} and {@code actual} must have equal length. */
  public static PrecisionStats of(double[] expected, double[] actual) {
    return of(expected, null, actual, null);
  }

  /** Compares complex values (imaginary arrays may be null, meaning zero). */
  public static PrecisionStats of(double[] expectedRe, double[] expectedIm, double[] actualRe, double[] actualIm) {
    if (expectedRe.length != actualRe.length) {
      throw new HeException(
          "cannot compare " + expectedRe.length + " expected values with " + actualRe.length);
    }
    double max = 0;
    double sum = 0;
    for (int i = 0; i < expectedRe.length; i++) {
      double dr = expectedRe[i] - actualRe[i];
      double ei = expectedIm == null ? 0 : expectedIm[i];
      double ai = actualIm == null ? 0 : actualIm[i];
      double di = ei - ai;
      double error = Math.hypot(dr, di);
      if (Double.isNaN(error)) {
        error = Double.POSITIVE_INFINITY;
      }
      max = Math.max(max, error);
      sum += error;
    }
    double mean = sum / expectedRe.length;
    return new PrecisionStats(bits(max), bits(mean), max, expectedRe.length);
  }

  private static double bits(double error) {
    if (error == 0) {
      return 64;
    }
    return -Math.log(error) / Math.log(2);
  }

  @Override
  public String toString() {
    return String.format("precision: min %.2f bits, mean %.2f bits over %d slots", minBits, meanBits, slots);
  }
}
