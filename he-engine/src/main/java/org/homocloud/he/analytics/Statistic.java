package org.homocloud.he.analytics;

/** The cohort statistics {@link CohortStatistics} computes on ciphertexts. */
public enum Statistic {
  /** Sum of the values. */
  SUM,
  /** Sum divided by the (public) count. */
  MEAN,
  /** Sum of the squared values. */
  SUM_OF_SQUARES,
  /**
   * Sample variance, (n sum x^2 - (sum x)^2) / (n (n - 1)). The standard deviation is its
   * square root, taken by the key holder after decryption (a square root on ciphertexts would
   * cost a polynomial approximation and many levels for no gain in privacy).
   */
  VARIANCE;

  /** Levels below the input level that the statistic's result sits at. */
  int levelsConsumed() {
    return this == SUM || this == MEAN ? 1 : 2;
  }
}
