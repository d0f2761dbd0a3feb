package org.homocloud.he.ckks.circuits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Plaintext;

/**
 * A linear map on the slots given by its non-zero diagonals: (M v)_i = sum_k d_k[i] * v[i + k].
 * Evaluated homomorphically as sum_k d_k * rot_k(ct) with baby-step giant-step: k = g*n1 + j,
 * baby rotations rot_j(ct) share one hoisted decomposition, and each giant step rotates one
 * inner sum. Consumes one level; the diagonals' scale is chosen so the output lands exactly on
 * the requested scale. Immutable; encoded diagonals are cached per (level, scale).
 */
public final class LinearTransform {

  private final int logSlots;
  private final int slots;
  private final SortedMap<Integer, double[][]> diagonals;
  private final int babySteps;
  private final Map<String, Map<Integer, Plaintext>> encodedCache = new ConcurrentHashMap<>();

  /** Diagonals by rotation index in [0, slots); each value is {re[], im[]} of length slots. */
  public LinearTransform(int logSlots, Map<Integer, double[][]> diagonals) {
    this.logSlots = logSlots;
    this.slots = 1 << logSlots;
    if (diagonals.isEmpty()) {
      throw new HeException("a linear transform needs at least one diagonal");
    }
    TreeMap<Integer, double[][]> copy = new TreeMap<>();
    for (Map.Entry<Integer, double[][]> e : diagonals.entrySet()) {
      int k = Math.floorMod(e.getKey(), slots);
      double[][] d = e.getValue();
      if (d.length != 2 || d[0].length != slots || d[1].length != slots) {
        throw new HeException("diagonal " + k + " must be {re, im} of " + slots + " values");
      }
      copy.put(k, new double[][] {d[0].clone(), d[1].clone()});
    }
    this.diagonals = Collections.unmodifiableSortedMap(copy);
    this.babySteps = chooseBabySteps(copy.keySet(), slots);
  }

  public int logSlots() {
    return logSlots;
  }

  public SortedMap<Integer, double[][]> diagonals() {
    return diagonals;
  }

  /** The rotations (slot indices) whose Galois keys evaluation needs. */
  public SortedSet<Integer> rotations() {
    SortedSet<Integer> rotations = new TreeSet<>();
    for (int k : diagonals.keySet()) {
      int j = k % babySteps;
      int giant = k - j;
      if (j != 0) {
        rotations.add(j);
      }
      if (giant != 0) {
        rotations.add(giant);
      }
    }
    return rotations;
  }

  /** Applies the map in the clear: the reference for tests. */
  public double[][] applyInTheClear(double[] re, double[] im) {
    double[] outRe = new double[slots];
    double[] outIm = new double[slots];
    for (Map.Entry<Integer, double[][]> e : diagonals.entrySet()) {
      int k = e.getKey();
      double[] dr = e.getValue()[0];
      double[] di = e.getValue()[1];
      for (int i = 0; i < slots; i++) {
        int src = (i + k) % slots;
        double vr = re[src];
        double vi = im == null ? 0 : im[src];
        outRe[i] += dr[i] * vr - di[i] * vi;
        outIm[i] += dr[i] * vi + di[i] * vr;
      }
    }
    return new double[][] {outRe, outIm};
  }

  /** M * ct, one level lower, at exactly {@code targetScale}. */
  public Ciphertext evaluate(Evaluator evaluator, Encoder encoder, Ciphertext ct, double targetScale) {
    if (ct.logSlots() != logSlots) {
      throw new HeException("linear transform is for 2^" + logSlots + " slots, ciphertext has 2^" + ct.logSlots());
    }
    if (ct.level() < 1) {
      throw new HeException("a linear transform needs one level; the ciphertext is at level 0");
    }
    int level = ct.level();
    double prime = evaluator.parameters().rlwe().qPrimes().get(level);
    double diagonalScale = targetScale * prime / ct.scale();
    Map<Integer, Plaintext> encoded = encodedDiagonals(encoder, level, diagonalScale);

    TreeSet<Integer> babyIndices = new TreeSet<>();
    for (int k : diagonals.keySet()) {
      if (k % babySteps != 0) {
        babyIndices.add(k % babySteps);
      }
    }
    Map<Integer, Ciphertext> baby = new HashMap<>();
    baby.put(0, ct);
    if (!babyIndices.isEmpty()) {
      baby.putAll(evaluator.rotateHoisted(ct, babyIndices.stream().mapToInt(Integer::intValue).toArray()));
    }
    Map<Integer, List<Integer>> byGiant = new TreeMap<>();
    for (int k : diagonals.keySet()) {
      byGiant.computeIfAbsent(k - k % babySteps, g -> new ArrayList<>()).add(k);
    }
    Ciphertext result = null;
    for (Map.Entry<Integer, List<Integer>> group : byGiant.entrySet()) {
      Ciphertext inner = null;
      for (int k : group.getValue()) {
        Ciphertext term = evaluator.mulPlainNew(baby.get(k % babySteps), encoded.get(k));
        if (inner == null) {
          inner = term;
        } else {
          evaluator.add(inner, term, inner);
        }
      }
      if (group.getKey() != 0) {
        evaluator.rotate(inner, group.getKey(), inner);
      }
      if (result == null) {
        result = inner;
      } else {
        evaluator.add(result, inner, result);
      }
    }
    evaluator.rescale(result, result);
    result.setScale(targetScale);
    return result;
  }

  /** Diagonal k pre-rotated by -(giant step of k), encoded at (level, scale); cached. */
  private Map<Integer, Plaintext> encodedDiagonals(Encoder encoder, int level, double scale) {
    String key = level + "/" + Double.doubleToLongBits(scale);
    return encodedCache.computeIfAbsent(key, unused -> {
      Map<Integer, Plaintext> out = new TreeMap<>();
      for (Map.Entry<Integer, double[][]> e : diagonals.entrySet()) {
        int k = e.getKey();
        int giant = k - k % babySteps;
        double[] re = rotate(e.getValue()[0], -giant);
        double[] im = rotate(e.getValue()[1], -giant);
        out.put(k, encoder.encode(re, im, logSlots, level, scale));
      }
      return out;
    });
  }

  /** Drops cached encodings (they can be large at big ring degrees). */
  public void clearCache() {
    encodedCache.clear();
  }

  private double[] rotate(double[] v, int k) {
    double[] out = new double[slots];
    for (int i = 0; i < slots; i++) {
      out[i] = v[Math.floorMod(i + k, slots)];
    }
    return out;
  }

  /** Baby-step count minimizing rotations: about sqrt of the span of the diagonal indices. */
  private static int chooseBabySteps(Set<Integer> indices, int slots) {
    int best = 1;
    int bestCost = Integer.MAX_VALUE;
    for (int n1 = 1; n1 <= slots; n1 <<= 1) {
      TreeSet<Integer> babies = new TreeSet<>();
      TreeSet<Integer> giants = new TreeSet<>();
      for (int k : indices) {
        babies.add(k % n1);
        giants.add(k - k % n1);
      }
      int cost = babies.size() + giants.size();
      if (cost < bestCost) {
        bestCost = cost;
        best = n1;
      }
    }
    return best;
  }
}
