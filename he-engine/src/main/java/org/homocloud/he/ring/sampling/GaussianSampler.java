package org.homocloud.he.ring.sampling;

import org.homocloud.he.HeException;

/**
 * Discrete Gaussian over the integers, truncated at 6 sigma, by inversion of a cumulative
 * distribution table with 63-bit precision. The table is scanned whole for every sample so
 * that the time taken does not depend on the value drawn.
 */
public final class GaussianSampler {

  public static final double DEFAULT_SIGMA = 3.2;

  private final double sigma;
  private final int bound;
  /** cumulative[k] = P(|x| <= k) * 2^63, for k in [0, bound). */
  private final long[] cumulative;

  public GaussianSampler(double sigma) {
    if (!(sigma > 0.5 && sigma < 64)) {
      throw new HeException("sigma must be in (0.5, 64): " + sigma);
    }
    this.sigma = sigma;
    this.bound = (int) Math.ceil(6 * sigma);
    double[] weights = new double[bound + 1];
    double total = 0;
    for (int k = 0; k <= bound; k++) {
      weights[k] = Math.exp(-(double) k * k / (2 * sigma * sigma)) * (k == 0 ? 1 : 2);
      total += weights[k];
    }
    cumulative = new long[bound];
    double running = 0;
    for (int k = 0; k < bound; k++) {
      running += weights[k] / total;
      cumulative[k] = (long) Math.min(running * 0x1p63, 0x1p63 - 1);
    }
  }

  public double sigma() {
    return sigma;
  }

  public int bound() {
    return bound;
  }

  public long[] sample(int n, Xof xof) {
    long[] out = new long[n];
    for (int j = 0; j < n; j++) {
      long word = xof.nextLong();
      long u = word >>> 1;
      long magnitude = 0;
      for (long c : cumulative) {
        magnitude += (u >= c) ? 1 : 0;
      }
      long sign = -(word & 1);
      // Apply the sign without branching: (m ^ s) - s negates when s = -1.
      out[j] = (magnitude ^ sign) - sign;
    }
    return out;
  }
}
