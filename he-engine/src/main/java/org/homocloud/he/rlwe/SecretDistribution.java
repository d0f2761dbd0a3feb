package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;

/**
 * How secret keys are sampled: uniform ternary (dense), or ternary with an exact Hamming weight
 * (sparse, used for the ephemeral key of sparse-secret encapsulation).
 */
public record SecretDistribution(int hammingWeight) {

  /** Uniform ternary: each coefficient -1, 0 or 1 with probability 1/3. */
  public static final SecretDistribution UNIFORM_TERNARY = new SecretDistribution(0);

  public SecretDistribution {
    if (hammingWeight < 0) {
      throw new HeException("Hamming weight must be non-negative: " + hammingWeight);
    }
  }

  public static SecretDistribution sparse(int hammingWeight) {
    if (hammingWeight < 1) {
      throw new HeException("sparse Hamming weight must be positive: " + hammingWeight);
    }
    return new SecretDistribution(hammingWeight);
  }

  public boolean isDense() {
    return hammingWeight == 0;
  }

  @Override
  public String toString() {
    return isDense() ? "uniform-ternary" : "ternary(h=" + hammingWeight + ")";
  }
}
