package org.homocloud.he.ckks.circuits;

import java.util.function.DoubleUnaryOperator;
import org.homocloud.he.HeException;

/**
 * A polynomial in the Chebyshev basis on an interval [a, b]: p(x) = sum c_i T_i(u) with
 * u = (2x - a - b) / (b - a). The Chebyshev basis keeps every term bounded by 1 on the interval,
 * which is what makes high-degree homomorphic evaluation numerically stable.
 */
public final class ChebyshevPolynomial {

  private final double[] coefficients;
  private final double a;
  private final double b;

  public ChebyshevPolynomial(double[] coefficients, double a, double b) {
    if (coefficients.length == 0) {
      throw new HeException("a polynomial needs at least one coefficient");
    }
    if (!(a < b)) {
      throw new HeException("interval must satisfy a < b: [" + a + ", " + b + "]");
    }
    this.coefficients = coefficients.clone();
    this.a = a;
    this.b = b;
  }

  /** Interpolates {@code f} at the degree+1 Chebyshev nodes of [a, b]. */
  public static ChebyshevPolynomial interpolate(DoubleUnaryOperator f, double a, double b, int degree) {
    if (degree < 0) {
      throw new HeException("degree must be non-negative: " + degree);
    }
    int nodes = degree + 1;
    double[] values = new double[nodes];
    for (int k = 0; k < nodes; k++) {
      double u = Math.cos(Math.PI * (k + 0.5) / nodes);
      values[k] = f.applyAsDouble(0.5 * (b - a) * u + 0.5 * (a + b));
    }
    double[] c = new double[nodes];
    for (int i = 0; i < nodes; i++) {
      double sum = 0;
      for (int k = 0; k < nodes; k++) {
        sum += values[k] * Math.cos(Math.PI * i * (k + 0.5) / nodes);
      }
      c[i] = (i == 0 ? 1.0 : 2.0) * sum / nodes;
    }
    return new ChebyshevPolynomial(c, a, b);
  }

  public int degree() {
    return coefficients.length - 1;
  }

  public double[] coefficients() {
    return coefficients.clone();
  }

  public double lower() {
    return a;
  }

  public double upper() {
    return b;
  }

  /** Evaluates in the clear (Clenshaw), the reference for encrypted evaluation. */
  public double evaluate(double x) {
    double u = (2 * x - a - b) / (b - a);
    double b1 = 0;
    double b2 = 0;
    for (int i = coefficients.length - 1; i >= 1; i--) {
      double t = 2 * u * b1 - b2 + coefficients[i];
      b2 = b1;
      b1 = t;
    }
    return u * b1 - b2 + coefficients[0];
  }

  /** Maximum absolute error against {@code f} on a fine grid of the interval. */
  public double maxError(DoubleUnaryOperator f, int samples) {
    double max = 0;
    for (int i = 0; i <= samples; i++) {
      double x = a + (b - a) * i / samples;
      max = Math.max(max, Math.abs(evaluate(x) - f.applyAsDouble(x)));
    }
    return max;
  }
}
