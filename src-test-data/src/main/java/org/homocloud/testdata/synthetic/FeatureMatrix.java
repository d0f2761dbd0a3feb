package org.homocloud.testdata.synthetic;

import java.util.List;

/**
 * Synthetic patients as plain arrays for engine benchmarks: x[patient][feature] in
 * {@link Feature} order (raw or normalised) and the outcome as 0/1.
 */
public record FeatureMatrix(double[][] x, int[] y) {

  public static FeatureMatrix raw(List<SyntheticPatient> patients, int features) {
    return of(patients, features, false);
  }

  public static FeatureMatrix normalised(List<SyntheticPatient> patients, int features) {
    return of(patients, features, true);
  }

  private static FeatureMatrix of(List<SyntheticPatient> patients, int features, boolean normalise) {
    Feature[] all = Feature.values();
    if (features < 1 || features > all.length) {
      throw new IllegalArgumentException("features must be in [1, " + all.length + "]: " + features);
    }
    double[][] x = new double[patients.size()][features];
    int[] y = new int[patients.size()];
    for (int i = 0; i < x.length; i++) {
      SyntheticPatient p = patients.get(i);
      for (int j = 0; j < features; j++) {
        x[i][j] = normalise ? all[j].normalised(p) : all[j].of(p);
      }
      y[i] = p.outcome() ? 1 : 0;
    }
    return new FeatureMatrix(x, y);
  }

  /** Column j of x. */
  public double[] column(int j) {
    double[] c = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i][j];
    }
    return c;
  }
}
