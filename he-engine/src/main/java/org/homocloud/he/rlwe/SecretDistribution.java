package org.homocloud.he.rlwe;

/**
 * How secret keys are sampled: uniform ternary (dense), or ternary with an exact Hamming weight
 * (sparse, used for the ephemeral key of sparse-secret encapsulation).
 */
public record SecretDistribution(int hammingWeight) {

  /** Uniform ternary: each coefficient -1, 0 or 1 with probability 1/3. */
  public static final SecretDistribution UNIFORM_TERNARY = new SecretDistribution(0);

  public SecretDistribution {
    if (hammingWeight < 0) {
      throw new IllegalArgumentException("Hamming weight must be non-negative: " + hammingWeight);
    }
  }

  public static SecretDistribution sparse(int hammingWeight) {
    if (hammingWeight < 1) {
      throw new IllegalArgumentException("sparse Hamming weight must be positive: " + hammingWeight);
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
