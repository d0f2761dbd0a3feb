package org.homocloud.he.analytics;

/**
 * An odd-plus-constant cubic that stands in for the logistic function on ciphertexts:
 * sigma(x) ~ c0 + c1 x + c3 x^3. Two levels to evaluate, and accurate only on its interval,
 * so inputs (the linear predictor) must stay within it: features are normalised first.
 */
public record SigmoidApproximation(double c0, double c1, double c3, double bound) {

  /**
   * The least-squares cubic of Kim et al. (BMC Medical Genomics 11:83, 2018, the iDASH 2017
   * winner) on [-8, 8]: 0.5 + 0.15012 x - 0.001593 x^3.
   */
  public static SigmoidApproximation kimDegree3() {
    return new SigmoidApproximation(0.5, 0.15012, -0.001593, 8);
  }

  public double evaluate(double x) {
    return c0 + c1 * x + c3 * x * x * x;
  }
}
