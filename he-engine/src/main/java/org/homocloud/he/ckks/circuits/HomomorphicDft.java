package org.homocloud.he.ckks.circuits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.homocloud.he.HeException;

/**
 * The encoder's special FFT as a chain of homomorphic linear transforms, for bootstrapping.
 * CoeffsToSlots applies the inverse butterflies (slots -> bit-reversed coefficients) and
 * SlotsToCoeffs the forward ones; the bit reversal of the plain FFT is skipped on both sides
 * because EvalMod between them works slot by slot. The logSlots butterfly stages are merged
 * into {@code levels} groups, each one {@link LinearTransform} consuming one level: fewer levels
 * mean more diagonals (and rotations) per group.
 */
public final class HomomorphicDft {

  private HomomorphicDft() {}

  /**
   * CoeffsToSlots for 2^logSlots slots of a ring of degree 2^logN, scaled by {@code factor}: the
   * transforms in the order they are applied.
   */
  public static List<LinearTransform> coeffsToSlots(int logN, int logSlots, int levels, double factor) {
    List<Map<Integer, double[][]>> stages = new ArrayList<>();
    int slots = 1 << logSlots;
    for (int len = slots; len >= 2; len >>= 1) {
      stages.add(inverseStage(logN, logSlots, len));
    }
    // Each inverse stage carries its share 1/2 of the 1/slots normalization, so every merged
    // group keeps diagonals of magnitude about 1 and full encoding precision.
    return group(stages, logSlots, levels, factor);
  }

  /** SlotsToCoeffs, scaled by {@code factor}: the transforms in the order they are applied. */
  public static List<LinearTransform> slotsToCoeffs(int logN, int logSlots, int levels, double factor) {
    List<Map<Integer, double[][]>> stages = new ArrayList<>();
    int slots = 1 << logSlots;
    for (int len = 2; len <= slots; len <<= 1) {
      stages.add(forwardStage(logN, logSlots, len));
    }
    return group(stages, logSlots, levels, factor);
  }

  /** Rotations needed by a chain of transforms. */
  public static SortedSet<Integer> rotations(List<LinearTransform> transforms) {
    SortedSet<Integer> all = new TreeSet<>();
    for (LinearTransform t : transforms) {
      all.addAll(t.rotations());
    }
    return all;
  }

  private static List<LinearTransform> group(
      List<Map<Integer, double[][]>> stages, int logSlots, int levels, double factor) {
    if (levels < 1 || levels > Math.max(1, stages.size())) {
      throw new HeException("DFT level budget must be in [1, " + Math.max(1, stages.size()) + "]: " + levels);
    }
    int slots = 1 << logSlots;
    List<LinearTransform> out = new ArrayList<>();
    int start = 0;
    for (int g = 0; g < levels; g++) {
      int size = (stages.size() - start) / (levels - g);
      Map<Integer, double[][]> matrix = identity(slots, g == 0 ? factor : 1.0);
      for (int s = start; s < start + size; s++) {
        matrix = compose(stages.get(s), matrix, slots);
      }
      start += size;
      out.add(new LinearTransform(logSlots, matrix));
    }
    return out;
  }

  private static Map<Integer, double[][]> identity(int slots, double factor) {
    double[] re = new double[slots];
    java.util.Arrays.fill(re, factor);
    Map<Integer, double[][]> m = new HashMap<>();
    m.put(0, new double[][] {re, new double[slots]});
    return m;
  }

  /** (A o B): diag_{a+b}[i] += dA_a[i] * dB_b[i + a]. */
  static Map<Integer, double[][]> compose(Map<Integer, double[][]> a, Map<Integer, double[][]> b, int slots) {
    Map<Integer, double[][]> out = new HashMap<>();
    for (Map.Entry<Integer, double[][]> ea : a.entrySet()) {
      int ka = ea.getKey();
      double[] ar = ea.getValue()[0];
      double[] ai = ea.getValue()[1];
      for (Map.Entry<Integer, double[][]> eb : b.entrySet()) {
        int k = Math.floorMod(ka + eb.getKey(), slots);
        double[] br = eb.getValue()[0];
        double[] bi = eb.getValue()[1];
        double[][] target = out.computeIfAbsent(k, unused -> new double[][] {new double[slots], new double[slots]});
        for (int i = 0; i < slots; i++) {
          int j = (i + ka) % slots;
          target[0][i] += ar[i] * br[j] - ai[i] * bi[j];
          target[1][i] += ar[i] * bi[j] + ai[i] * br[j];
        }
      }
    }
    return out;
  }

  private static Map<Integer, double[][]> inverseStage(int logN, int logSlots, int len) {
    int slots = 1 << logSlots;
    long m = 2L << logN;
    int half = len >> 1;
    int quarterPeriod = len << 2;
    long[] group = rotationGroup(half, m);
    Map<Integer, double[][]> d = new HashMap<>();
    for (int p = 0; p < slots; p++) {
      int j = p % len;
      if (j < half) {
        add(d, 0, p, 0.5, 0, slots);
        add(d, half, p, 0.5, 0, slots);
      } else {
        int jj = j - half;
        long idx = (quarterPeriod - (group[jj] % quarterPeriod)) * (m / quarterPeriod);
        double wr = 0.5 * Math.cos(2 * Math.PI * idx / m);
        double wi = 0.5 * Math.sin(2 * Math.PI * idx / m);
        add(d, -half, p, wr, wi, slots);
        add(d, 0, p, -wr, -wi, slots);
      }
    }
    return d;
  }

  private static Map<Integer, double[][]> forwardStage(int logN, int logSlots, int len) {
    int slots = 1 << logSlots;
    long m = 2L << logN;
    int half = len >> 1;
    int quarterPeriod = len << 2;
    long[] group = rotationGroup(half, m);
    Map<Integer, double[][]> d = new HashMap<>();
    for (int p = 0; p < slots; p++) {
      int j = p % len;
      int jj = j < half ? j : j - half;
      long idx = (group[jj] % quarterPeriod) * (m / quarterPeriod);
      double wr = Math.cos(2 * Math.PI * idx / m);
      double wi = Math.sin(2 * Math.PI * idx / m);
      if (j < half) {
        add(d, 0, p, 1, 0, slots);
        add(d, half, p, wr, wi, slots);
      } else {
        add(d, -half, p, 1, 0, slots);
        add(d, 0, p, -wr, -wi, slots);
      }
    }
    return d;
  }

  /** 5^j mod m for j < count. */
  private static long[] rotationGroup(int count, long m) {
    long[] out = new long[count];
    long r = 1;
    for (int j = 0; j < count; j++) {
      out[j] = r;
      r = (r * 5) % m;
    }
    return out;
  }

  private static void add(Map<Integer, double[][]> d, int k, int p, double re, double im, int slots) {
    double[][] diag = d.computeIfAbsent(Math.floorMod(k, slots), unused -> new double[][] {new double[slots], new double[slots]});
    diag[0][p] += re;
    diag[1][p] += im;
  }
}
