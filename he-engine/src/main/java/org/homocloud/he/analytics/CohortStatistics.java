package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Encrypted cohort statistics over packed ciphertexts: sum, mean, sum of squares and sample
 * variance of the values a {@link Cohort} selects, wherever they sit (any slots of any of the
 * given ciphertexts).
 *
 * <p>How: each ciphertext that holds cohort values is multiplied by a 0/1 mask of its cohort
 * slots (one level), the masked ciphertexts are added, and one rotate-and-sum over all slots
 * (log2(slots) rotations by powers of two) leaves the total in every slot. Squares are
 * products of the masked ciphertexts (a mask squared is still a mask), tensored and added before
 * a single relinearization. Division by the public count costs nothing: it is carried in the
 * result's scale. Levels: sum and mean one below the input, sum of squares and variance two; at
 * the storage level 3 of the logN 14 preset every result fits with a level to spare.
 *
 * <p>Why the masking leak is acceptable here: see {@link Masking}. Results are sums over a whole
 * cohort, the operation layer enforces a minimum cohort size, and results are decrypted only by
 * the key holder and rounded to the guaranteed precision before release.
 *
 * <p>Range: the variance is computed as n sum x^2 - (sum x)^2 at scale Delta; with the logN 14
 * preset at level 3 this needs n * sum x^2 below about 2^58 (e.g. a million values up to 300).
 * Immutable and thread-safe.
 */
public final class CohortStatistics {

  private final Evaluator evaluator;
  private final Masking masking;

  public CohortStatistics(Evaluator evaluator, Encoder encoder) {
    this.evaluator = evaluator;
    this.masking = new Masking(evaluator, encoder);
  }

  /** Levels the given statistics need below the input level. */
  public static int levelsNeeded(Set<Statistic> statistics) {
    return statistics.stream().mapToInt(Statistic::levelsConsumed).max().orElse(0);
  }

  /** The requested statistics of the cohort's values in {@code stored}. */
  public EncryptedStatistics compute(List<Ciphertext> stored, Cohort cohort, Set<Statistic> statistics) {
    if (statistics.isEmpty()) {
      throw new HeException("no statistic requested");
    }
    int n = cohort.count();
    if (statistics.contains(Statistic.VARIANCE) && n < 2) {
      throw new HeException("the variance needs at least 2 values, the cohort has " + n);
    }
    List<Ciphertext> involved = new ArrayList<>();
    List<double[]> masks = new ArrayList<>();
    for (Map.Entry<Integer, int[]> entry : cohort.slotsByCiphertext().entrySet()) {
      Ciphertext ct = Inputs.get(stored, entry.getKey());
      double[] mask = new double[1 << ct.logSlots()];
      for (int slot : entry.getValue()) {
        Inputs.checkSlot(ct, entry.getKey(), slot);
        mask[slot] = 1;
      }
      involved.add(ct);
      masks.add(mask);
    }
    involved = Inputs.atCommonLevel(evaluator, involved, levelsNeeded(statistics), "cohort statistics");
    double scale = involved.get(0).scale();
    int slots = 1 << involved.get(0).logSlots();

    List<Ciphertext> masked = new ArrayList<>(involved.size());
    for (int i = 0; i < involved.size(); i++) {
      masked.add(masking.apply(involved.get(i), masks.get(i), scale));
    }
    Map<Statistic, Ciphertext> results = new EnumMap<>(Statistic.class);
    Ciphertext sum = evaluator.rotateAndSumNew(addAll(masked), slots);
    if (statistics.contains(Statistic.SUM)) {
      results.put(Statistic.SUM, sum);
    }
    if (statistics.contains(Statistic.MEAN)) {
      Ciphertext mean = sum.copy();
      mean.setScale(sum.scale() * n);
      results.put(Statistic.MEAN, mean);
    }
    if (statistics.contains(Statistic.SUM_OF_SQUARES) || statistics.contains(Statistic.VARIANCE)) {
      Ciphertext sumOfSquares = evaluator.rotateAndSumNew(sumOfSquares(masked), slots);
      if (statistics.contains(Statistic.SUM_OF_SQUARES)) {
        results.put(Statistic.SUM_OF_SQUARES, sumOfSquares);
      }
      if (statistics.contains(Statistic.VARIANCE)) {
        results.put(Statistic.VARIANCE, variance(sum, sumOfSquares, n));
      }
    }
    return new EncryptedStatistics(n, results);
  }

  /** One result per group (for example per month of the effective date), in the groups' order. */
  public Map<String, EncryptedStatistics> computeGrouped(
      List<Ciphertext> stored, Map<String, Cohort> groups, Set<Statistic> statistics) {
    if (groups.isEmpty()) {
      throw new HeException("no group to compute statistics for");
    }
    Map<String, EncryptedStatistics> out = new LinkedHashMap<>();
    groups.forEach((name, cohort) -> out.put(name, compute(stored, cohort, statistics)));
    return out;
  }

  private Ciphertext addAll(List<Ciphertext> cts) {
    Ciphertext sum = cts.get(0).copy();
    for (int i = 1; i < cts.size(); i++) {
      evaluator.add(sum, cts.get(i), sum);
    }
    return sum;
  }

  /** sum_c masked_c^2, slot-wise: tensors added at degree 2, then one relinearization. */
  private Ciphertext sumOfSquares(List<Ciphertext> masked) {
    Ciphertext sum = null;
    for (Ciphertext m : masked) {
      Ciphertext square = evaluator.mulNew(m, m);
      if (sum == null) {
        sum = square;
      } else {
        evaluator.add(sum, square, sum);
      }
    }
    evaluator.relinearize(sum, sum);
    evaluator.rescale(sum, sum);
    return sum;
  }

  /** (n Q - S^2) / (n (n - 1)): S^2 lands at Q's exact scale; the division goes into the scale. */
  private Ciphertext variance(Ciphertext sum, Ciphertext sumOfSquares, int n) {
    Ciphertext sumSquared = evaluator.mulRelinNew(sum, sum);
    evaluator.rescale(sumSquared, sumSquared);
    sumSquared.setScale(sumOfSquares.scale());
    Ciphertext variance = evaluator.multiplyByIntegerNew(sumOfSquares, n);
    evaluator.sub(variance, sumSquared, variance);
    variance.setScale(sumOfSquares.scale() * n * (double) (n - 1));
    return variance;
  }
}
