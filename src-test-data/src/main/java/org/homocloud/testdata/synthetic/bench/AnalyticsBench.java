package org.homocloud.testdata.synthetic.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.homocloud.he.analytics.Cohort;
import org.homocloud.he.analytics.CohortStatistics;
import org.homocloud.he.analytics.EncryptedStatistics;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.analytics.Statistic;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.testdata.synthetic.SyntheticGenerator;
import org.homocloud.testdata.synthetic.SyntheticPatient;

/**
 * {@code ./bench analytics}: encrypted sum, mean, sum of squares and variance of synthetic
 * systolic pressures at the product's logN 14 preset (secure), stored packed at level 3 as the
 * server stores them, beside the same statistics in plaintext over the same values in the same
 * run. Sizes 10k and 100k values ({@code --quick}) or 10k, 100k and 1M. The cohort is every
 * second value (as a plaintext search would select it), so masks do real work. The plaintext
 * figure is a loop over doubles already in memory, the floor of what a server could do; the
 * ratio to the whole FHIR operation is for {@code ./bench mean} once the operation exists.
 */
public final class AnalyticsBench {

  private static final String SUITE = "analytics";
  private static final int STORAGE_LEVEL = 3;
  private static final int RUNS = 3;

  private AnalyticsBench() {}

  public static void main(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    int[] sizes = quick ? new int[] {10_000, 100_000} : new int[] {10_000, 100_000, 1_000_000};
    BenchKeys keys = new BenchKeys(CkksPresets.logN14(), Parallelism.sequential());
    new BenchLine(SUITE, "keygen").put("value", keys.keygenSeconds).put("unit", "s").put("logN", 14L).print();
    CohortStatistics statistics = new CohortStatistics(keys.evaluator, keys.encoder);
    SyntheticGenerator generator = new SyntheticGenerator(2026);
    int slots = keys.parameters.slots();
    for (int size : sizes) {
      double[] values = new double[size];
      for (int i = 0; i < size; i++) {
        SyntheticPatient p = generator.patient(i);
        values[i] = p.systolic();
      }
      List<Ciphertext> stored = new ArrayList<>();
      for (int first = 0; first < size; first += slots) {
        stored.add(keys.store(Arrays.copyOfRange(values, first, Math.min(size, first + slots)), STORAGE_LEVEL));
      }
      List<SlotRef> refs = new ArrayList<>();
      for (int i = 0; i < size; i += 2) {
        refs.add(new SlotRef(i / slots, i % slots));
      }
      Cohort cohort = Cohort.of(refs);

      // Warm-up on the smallest input, then the median of three timed runs of each statistic set.
      statistics.compute(stored.subList(0, 1), Cohort.of(refs.subList(0, Math.min(refs.size(), slots / 2))),
          EnumSet.allOf(Statistic.class));
      EncryptedStatistics meanOnly = null;
      EncryptedStatistics all = null;
      double[] meanRuns = new double[RUNS];
      double[] allRuns = new double[RUNS];
      for (int r = 0; r < RUNS; r++) {
        long start = System.nanoTime();
        meanOnly = statistics.compute(stored, cohort, EnumSet.of(Statistic.MEAN));
        meanRuns[r] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        all = statistics.compute(stored, cohort, EnumSet.allOf(Statistic.class));
        allRuns[r] = (System.nanoTime() - start) / 1e6;
      }
      double meanMs = median(meanRuns);
      double allMs = median(allRuns);

      double[] plain = new double[4];
      int reps = Math.max(1, 20_000_000 / size);
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        plain = plaintext(values, refs, slots);
      }
      double plainMs = (System.nanoTime() - start) / 1e6 / reps;

      String[] names = {"sum", "mean", "sum_of_squares", "variance"};
      Statistic[] order = {Statistic.SUM, Statistic.MEAN, Statistic.SUM_OF_SQUARES, Statistic.VARIANCE};
      double worst = 0;
      for (int k = 0; k < 4; k++) {
        double encrypted = keys.decrypt(all.get(order[k]))[0];
        double relative = Math.abs(encrypted - plain[k]) / Math.abs(plain[k]);
        worst = Math.max(worst, relative);
        new BenchLine(SUITE, names[k] + "_relative_error").put("value", relative).put("values", (long) size)
            .put("cohort", (long) cohort.count()).put("encrypted", encrypted).put("plaintext", plain[k])
            .put("target", 1e-6).put("met", relative < 1e-6).print();
      }
      double meanRelative = Math.abs(keys.decrypt(meanOnly.get(Statistic.MEAN))[0] - plain[1]) / plain[1];
      new BenchLine(SUITE, "mean_ms").put("value", meanMs).put("unit", "ms").put("values", (long) size)
          .put("ciphertexts", (long) stored.size()).put("relative_error", meanRelative).put("threads", 1L).put("runs", (long) RUNS).print();
      new BenchLine(SUITE, "all_statistics_ms").put("value", allMs).put("unit", "ms").put("values", (long) size)
          .put("ciphertexts", (long) stored.size()).put("worst_relative_error", worst).put("threads", 1L).print();
      new BenchLine(SUITE, "plaintext_all_statistics_ms").put("value", plainMs).put("unit", "ms")
          .put("values", (long) size).print();
      new BenchLine(SUITE, "encrypted_vs_plaintext_ratio").put("value", allMs / plainMs).put("values", (long) size)
          .put("note", "engine only: plaintext is a loop over doubles in memory").print();
    }
  }

  private static double median(double[] runs) {
    double[] sorted = runs.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** sum, mean, sum of squares, sample variance of the selected values, read via the same places. */
  private static double[] plaintext(double[] values, List<SlotRef> refs, int slots) {
    double sum = 0;
    double squares = 0;
    for (SlotRef r : refs) {
      double x = values[r.ciphertext() * slots + r.slot()];
      sum += x;
      squares += x * x;
    }
    int n = refs.size();
    double mean = sum / n;
    double centered = 0;
    for (SlotRef r : refs) {
      double d = values[r.ciphertext() * slots + r.slot()] - mean;
      centered += d * d;
    }
    return new double[] {sum, mean, squares, centered / (n - 1)};
  }
}
