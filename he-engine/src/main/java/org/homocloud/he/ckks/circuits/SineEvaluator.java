package org.homocloud.he.ckks.circuits;

import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Homomorphic sin(2 pi x) for x in [-K, K], the heart of EvalMod: for x = m + I with an integer I
 * and a small m, sin(2 pi x) / (2 pi) ~ m, which removes the q_0 * I overflow that ModRaise adds.
 * A Chebyshev interpolant of the scaled cosine cos(2 pi (x - 1/4) / 2^r) is evaluated first (its
 * argument range is 2^r times smaller, so a low degree suffices), then r double-angle steps
 * cos(2t) = 2 cos(t)^2 - 1 restore the full frequency.
 *
 * <p>The input is x itself, not x / K: at a given scale the ciphertext noise is absolute, so
 * carrying x (up to K) instead of x / K keeps log2(K) more bits of it; the interval map to
 * [-1, 1] is then one scalar multiplication inside the polynomial evaluation.
 */
public final class SineEvaluator {

  private final int k;
  private final int doubleAngles;
  private final ChebyshevPolynomial scaledCosine;

  public SineEvaluator(int k, int doubleAngles, int degree) {
    if (k < 1) {
      throw new HeException("EvalMod interval K must be at least 1: " + k);
    }
    if (doubleAngles < 0 || doubleAngles > 10) {
      throw new HeException("double-angle steps must be in [0, 10]: " + doubleAngles);
    }
    this.k = k;
    this.doubleAngles = doubleAngles;
    double divisor = Math.scalb(1.0, doubleAngles);
    this.scaledCosine = ChebyshevPolynomial.interpolate(
        x -> Math.cos(2 * Math.PI * (x - 0.25) / divisor), -k, k, degree);
  }

  public int k() {
    return k;
  }

  public int doubleAngles() {
    return doubleAngles;
  }

  public ChebyshevPolynomial scaledCosine() {
    return scaledCosine;
  }

  /** Levels consumed. */
  public int levels() {
    return PolynomialEvaluator.levelsConsumed(scaledCosine) + doubleAngles;
  }

  /** Worst error of the interpolant before double angles (the approximation budget). */
  public double interpolationError() {
    double divisor = Math.scalb(1.0, doubleAngles);
    return scaledCosine.maxError(x -> Math.cos(2 * Math.PI * (x - 0.25) / divisor), 20_000);
  }

  /** sin(2 pi x) slot-wise, at the ciphertext's scale (or close to it). */
  public Ciphertext evaluate(Evaluator evaluator, Ciphertext x) {
    Ciphertext c = new PolynomialEvaluator(evaluator).evaluate(x, scaledCosine, x.scale());
    for (int i = 0; i < doubleAngles; i++) {
      Ciphertext square = evaluator.mulRelinNew(c, c);
      evaluator.multiplyByInteger(square, 2, square);
      evaluator.rescale(square, square);
      evaluator.addConstant(square, -1, 0, square);
      c = square;
    }
    return c;
  }

  /** The same function in the clear. */
  public double evaluateInTheClear(double x) {
    double c = scaledCosine.evaluate(x);
    for (int i = 0; i < doubleAngles; i++) {
      c = 2 * c * c - 1;
    }
    return c;
  }
}
