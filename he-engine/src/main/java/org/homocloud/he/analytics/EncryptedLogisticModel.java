package org.homocloud.he.analytics;

/**
 * Result of {@link LogisticRegression#train}: the encrypted coefficients (intercept in slot 0,
 * feature j in slot j, the block repeated across the ciphertext) in the units of the
 * normalised features the rows were built from, and what the training spent.
 */
public record EncryptedLogisticModel(
    org.homocloud.he.rlwe.Ciphertext coefficients, int columns, int iterations, int bootstraps) {

  /**
   * Coefficients on the original scale of the columns, from coefficients b on (x - c) / s:
   * b_j / s_j, and the intercept b_0 - sum b_j c_j / s_j.
   */
  public static double[] toOriginalUnits(double[] b, double[] centers, double[] scales) {
    if (centers.length != b.length - 1 || scales.length != b.length - 1) {
      throw new org.homocloud.he.HeException("need a centre and a scale for each of the " + (b.length - 1) + " columns");
    }
    double[] out = new double[b.length];
    out[0] = b[0];
    for (int j = 1; j < b.length; j++) {
      out[j] = b[j] / scales[j - 1];
      out[0] -= b[j] * centers[j - 1] / scales[j - 1];
    }
    return out;
  }

  /** Reads the coefficients from the key holder's decryption of {@link #coefficients()}. */
  public double[] read(double[] decryptedSlots) {
    double[] b = new double[columns];
    System.arraycopy(decryptedSlots, 0, b, 0, columns);
    return b;
  }
}
