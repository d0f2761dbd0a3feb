package org.homocloud.he.analytics;

/**
 * Result of {@link LogisticRegression#train}: the encrypted coefficients (intercept in slot 0, column j in slot
 * j * columnStride, in the layout the rows had) in the units of the normalised features the rows were built
 * from, and what the training spent.
 */
public record EncryptedLogisticModel(
    org.homocloud.he.rlwe.Ciphertext coefficients, int columns, int columnStride, int iterations, int bootstraps) {

  /** The slot of column {@code column}'s coefficient. */
  public int slot(int column) {
    return column * columnStride;
  }

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
    for (int c = 0; c < columns; c++) {
      b[c] = decryptedSlots[slot(c)];
    }
    return b;
  }
}
