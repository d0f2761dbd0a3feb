package org.homocloud.he.analytics;

/**
 * Result of {@link LogisticRegression#train}: the encrypted coefficients (intercept in slot 0,
 * feature j in slot j, the block repeated across the ciphertext) in the units of the
 * normalised features the rows were built from, and what the training spent.
 */
public record EncryptedLogisticModel(
    org.homocloud.he.rlwe.Ciphertext coefficients, int columns, int iterations, int bootstraps) {

  /** Reads the coefficients from the key holder's decryption of {@link #coefficients()}. */
  public double[] read(double[] decryptedSlots) {
    double[] b = new double[columns];
    System.arraycopy(decryptedSlots, 0, b, 0, columns);
    return b;
  }
}
