package org.homocloud.he.analytics;

import java.util.Arrays;
import org.homocloud.he.HeException;

/**
 * Plaintext logistic regression, for tests, benchmarks and key holders who want to compare:
 * the exact maximum-likelihood fit by Newton's method (no polynomial), the same accelerated
 * gradient with the cubic sigmoid that {@link LogisticRegression} runs on ciphertexts (to check
 * its arithmetic), and the area under the ROC curve.
 */
public final class LogisticReference {

  private LogisticReference() {}

  /**
   * Maximum-likelihood coefficients (intercept first) by Newton-Raphson (IRLS) from x[patient]
   * (without the intercept column) and labels 0/1.
   */
  public static double[] newton(double[][] x, int[] y, int iterations) {
    int p = x[0].length + 1;
    double[] b = new double[p];
    for (int it = 0; it < iterations; it++) {
      double[][] h = new double[p + 1][p + 1];
      double[] row = new double[p];
      for (int i = 0; i < x.length; i++) {
        row[0] = 1;
        System.arraycopy(x[i], 0, row, 1, p - 1);
        double mu = sigmoid(dot(row, b));
        double weight = Math.max(mu * (1 - mu), 1e-12);
        // Working response z = eta + (y - mu) / w; the Gram of [row | z] with weights w gives the step.
        double z = dot(row, b) + (y[i] - mu) / weight;
        for (int a = 0; a < p; a++) {
          for (int c = 0; c < p; c++) {
            h[a][c] += weight * row[a] * row[c];
          }
          h[a][p] += weight * row[a] * z;
        }
      }
      for (int a = 0; a < p; a++) {
        h[p][a] = h[a][p];
      }
      b = LeastSquares.solve(h);
    }
    return b;
  }

  /**
   * The encrypted algorithm in plaintext: Nesterov-accelerated ascent with the cubic sigmoid on
   * signed rows z_i = y*_i (1, x_i) (y* = +-1), from zero.
   */
  public static double[] nesterovPolynomial(double[][] z, int iterations, NesterovSchedule schedule,
      SigmoidApproximation sigmoid) {
    int p = z[0].length;
    int n = z.length;
    double[] w = new double[p];
    double[] v = new double[p];
    for (int t = 1; t <= iterations; t++) {
      double rate = schedule.learningRate(t) / n;
      double[] gradient = new double[p];
      for (double[] row : z) {
        double g = sigmoid.evaluate(-dot(row, v));
        for (int j = 0; j < p; j++) {
          gradient[j] += g * row[j];
        }
      }
      double[] next = new double[p];
      for (int j = 0; j < p; j++) {
        next[j] = v[j] + rate * gradient[j];
      }
      double eta = schedule.momentum(t);
      for (int j = 0; j < p; j++) {
        v[j] = (1 - eta) * next[j] + eta * w[j];
      }
      w = next;
    }
    return w;
  }

  /** Rows y*_i (1, x_i) with y* = 2y - 1. */
  public static double[][] signedRows(double[][] x, int[] y) {
    double[][] z = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double sign = y[i] == 1 ? 1 : -1;
      z[i] = new double[x[i].length + 1];
      z[i][0] = sign;
      for (int j = 0; j < x[i].length; j++) {
        z[i][j + 1] = sign * x[i][j];
      }
    }
    return z;
  }

  /** Linear predictors b_0 + b . x_i. */
  public static double[] scores(double[][] x, double[] b) {
    double[] s = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = b[0];
      for (int j = 0; j < x[i].length; j++) {
        s[i] += b[j + 1] * x[i][j];
      }
    }
    return s;
  }

  /** Area under the ROC curve (Mann-Whitney, ties counted half). */
  public static double auc(double[] scores, int[] labels) {
    if (scores.length != labels.length) {
      throw new HeException("scores and labels differ in length");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSumPositive += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new HeException("the AUC needs both outcomes among the labels");
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
