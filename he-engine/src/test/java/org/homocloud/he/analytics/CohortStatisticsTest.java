package org.homocloud.he.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.api.Test;

/** Encrypted cohort statistics against the same statistics in plaintext, INSECURE logN 12. */
class CohortStatisticsTest {

  private static final double RELATIVE_TOLERANCE = 1e-6;

  private final AnalyticsTestKeys keys = AnalyticsTestKeys.logN12();
  private final CohortStatistics statistics = new CohortStatistics(keys.evaluator, keys.encoder);

  /** Three packing groups of systolic pressures, 80-200 mmHg, every slot used. */
  private final double[][] plain = new double[3][];
  private final List<Ciphertext> stored = new ArrayList<>();

  CohortStatisticsTest() {
    Random random = new Random(6);
    for (int c = 0; c < plain.length; c++) {
      plain[c] = new double[keys.parameters.slots()];
      for (int s = 0; s < plain[c].length; s++) {
        plain[c][s] = 130 + 15 * random.nextGaussian();
      }
      stored.add(keys.store(plain[c]));
    }
  }

  private List<SlotRef> randomCohort(long seed, double fraction) {
    Random random = new Random(seed);
    List<SlotRef> refs = new ArrayList<>();
    for (int c = 0; c < plain.length; c++) {
      for (int s = 0; s < plain[c].length; s++) {
        if (random.nextDouble() < fraction) {
          refs.add(new SlotRef(c, s));
        }
      }
    }
    return refs;
  }

  private double[] plainStatistics(List<SlotRef> refs) {
    double sum = 0;
    double squares = 0;
    for (SlotRef r : refs) {
      double x = plain[r.ciphertext()][r.slot()];
      sum += x;
      squares += x * x;
    }
    int n = refs.size();
    double mean = sum / n;
    double variance = 0;
    for (SlotRef r : refs) {
      double d = plain[r.ciphertext()][r.slot()] - mean;
      variance += d * d;
    }
    return new double[] {sum, mean, squares, variance / (n - 1)};
  }

  private void assertClose(String what, double expected, Ciphertext ct) {
    double actual = keys.decrypt(ct)[0];
    double relative = Math.abs(actual - expected) / Math.abs(expected);
    System.out.printf("%s: encrypted %.9f, plaintext %.9f, relative error %.2e (level %d)%n",
        what, actual, expected, relative, ct.level());
    assertThat(relative).as(what).isLessThan(RELATIVE_TOLERANCE);
  }

  @Test
  void sumMeanSumOfSquaresVariance_overScatteredSlotsOfThreeCiphertexts_matchPlaintextTo1e6() {
    List<SlotRef> refs = randomCohort(1, 0.4);
    EncryptedStatistics result = statistics.compute(stored, Cohort.of(refs), EnumSet.allOf(Statistic.class));
    double[] expected = plainStatistics(refs);
    assertThat(result.count()).isEqualTo(refs.size());
    assertClose("sum", expected[0], result.get(Statistic.SUM));
    assertClose("mean", expected[1], result.get(Statistic.MEAN));
    assertClose("sum of squares", expected[2], result.get(Statistic.SUM_OF_SQUARES));
    assertClose("variance", expected[3], result.get(Statistic.VARIANCE));
    assertThat(result.get(Statistic.VARIANCE).level()).isEqualTo(AnalyticsTestKeys.STORAGE_LEVEL - 2);
    assertThat(result.get(Statistic.MEAN).level()).isEqualTo(AnalyticsTestKeys.STORAGE_LEVEL - 1);
  }

  @Test
  void grouped_oneResultPerGroup_eachMatchesItsPlaintextGroup() {
    Map<String, Cohort> groups = new LinkedHashMap<>();
    Map<String, List<SlotRef>> refsByGroup = new LinkedHashMap<>();
    for (String month : List.of("2020-01", "2020-02", "2020-03")) {
      List<SlotRef> refs = randomCohort(month.hashCode(), 0.05);
      refsByGroup.put(month, refs);
      groups.put(month, Cohort.of(refs));
    }
    Map<String, EncryptedStatistics> result =
        statistics.computeGrouped(stored, groups, EnumSet.of(Statistic.MEAN, Statistic.VARIANCE));
    assertThat(result).containsOnlyKeys(groups.keySet());
    refsByGroup.forEach((month, refs) -> {
      double[] expected = plainStatistics(refs);
      assertClose(month + " mean", expected[1], result.get(month).get(Statistic.MEAN));
      assertClose(month + " variance", expected[3], result.get(month).get(Statistic.VARIANCE));
    });
  }

  @Test
  void wholePackingGroupsSelected_maskIsAConstant_sameResults() {
    List<SlotRef> refs = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      for (int s = 0; s < plain[c].length; s++) {
        refs.add(new SlotRef(c, s));
      }
    }
    refs.add(new SlotRef(2, 5));
    EncryptedStatistics result = statistics.compute(stored, Cohort.of(refs), EnumSet.allOf(Statistic.class));
    double[] expected = plainStatistics(refs);
    assertClose("whole groups: sum", expected[0], result.get(Statistic.SUM));
    assertClose("whole groups: variance", expected[3], result.get(Statistic.VARIANCE));
  }

  @Test
  void results_surviveTheWireFormat_withTheirNonDefaultScales() {
    List<SlotRef> refs = randomCohort(9, 0.2);
    EncryptedStatistics result = statistics.compute(stored, Cohort.of(refs), EnumSet.of(Statistic.MEAN, Statistic.VARIANCE));
    org.homocloud.he.serialization.CiphertextCodec codec = new org.homocloud.he.serialization.CiphertextCodec(keys.parameters);
    double[] expected = plainStatistics(refs);
    assertClose("mean after CiphertextCodec", expected[1], codec.fromBytes(codec.toBytes(result.get(Statistic.MEAN))));
    assertClose("variance after CiphertextCodec", expected[3],
        codec.fromBytes(codec.toBytes(result.get(Statistic.VARIANCE))));
  }

  @Test
  void singleValueCohort_sumIsThatValue_othersSlotsDoNotShowThrough() {
    SlotRef only = new SlotRef(1, 77);
    EncryptedStatistics result = statistics.compute(stored, Cohort.of(List.of(only)), EnumSet.of(Statistic.SUM));
    assertClose("single-value sum", plain[1][77], result.get(Statistic.SUM));
  }

  @Test
  void badInput_getsClearErrors() {
    assertThatThrownBy(() -> Cohort.of(List.of())).isInstanceOf(HeException.class)
        .hasMessageContaining("at least one value");
    assertThatThrownBy(() -> Cohort.of(List.of(new SlotRef(0, 1), new SlotRef(0, 1))))
        .isInstanceOf(HeException.class).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> statistics.compute(stored, Cohort.of(List.of(new SlotRef(5, 1))), EnumSet.of(Statistic.SUM)))
        .isInstanceOf(HeException.class).hasMessageContaining("only 3 were given");
    assertThatThrownBy(() -> statistics.compute(stored, Cohort.of(List.of(new SlotRef(0, 4096))), EnumSet.of(Statistic.SUM)))
        .isInstanceOf(HeException.class).hasMessageContaining("out of range");
    assertThatThrownBy(() -> statistics.compute(stored, Cohort.of(List.of(new SlotRef(0, 1))), EnumSet.of(Statistic.VARIANCE)))
        .isInstanceOf(HeException.class).hasMessageContaining("at least 2 values");
    Ciphertext bottom = keys.evaluator.dropToLevelNew(stored.get(0), 1);
    assertThatThrownBy(() -> statistics.compute(List.of(bottom), Cohort.of(List.of(new SlotRef(0, 1), new SlotRef(0, 2))),
        EnumSet.of(Statistic.VARIANCE))).isInstanceOf(HeException.class).hasMessageContaining("needs 2 levels");
  }
}
