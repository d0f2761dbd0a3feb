package org.homocloud.he.analytics;

import org.homocloud.he.HeException;

/**
 * Key-holder half of linear regression: solves the normal equations from a decrypted Gram matrix
 * of [1 | X | y] (see {@link EncryptedGram}) by Cholesky decomposition, in plaintext. Also the
 * plaintext reference for tests and benchmarks (build the Gram matrix with {@link #gram}).
 */
public final class LeastSquares {

  private LeastSquares() {}

  /** Coefficients b (intercept first) minimising |y - [1 X] b|, from G = [1 X y]^T [1 X y]. */
  public static double[] solve(double[][] gram) {
    int p = gram.length - 1;
    if (p < 1) {
      throw new HeException("the Gram matrix needs the intercept, a feature and the outcome");
    }
    double[][] l = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        double s = gram[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new HeException("X^T X is not positive definite: features are collinear or too few patients");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] z = new double[p];
    for (int i = 0; i < p; i++) {
      double s = gram[i][p];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * z[k];
      }
      z[i] = s / l[i][i];
    }
    double[] b = new double[p];
    for (int i = p - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < p; k++) {
        s -= l[k][i] * b[k];
      }
      b[i] = s / l[i][i];
    }
    return b;
  }

  /** Gram matrix of [1 | x | y] in plaintext: x[patient][feature], y[patient]. */
  public static double[][] gram(double[][] x, double[] y) {
    int d = x[0].length;
    int columns = d + 2;
    double[][] g = new double[columns][columns];
    double[] row = new double[columns];
    for (int p = 0; p < y.length; p++) {
      row[0] = 1;
      System.arraycopy(x[p], 0, row, 1, d);
      row[d + 1] = y[p];
      for (int i = 0; i < columns; i++) {
        for (int j = 0; j < columns; j++) {
          g[i][j] += row[i] * row[j];
        }
      }
    }
    return g;
  }
}
