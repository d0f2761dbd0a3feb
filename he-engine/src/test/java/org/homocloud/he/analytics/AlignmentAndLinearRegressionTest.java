package org.homocloud.he.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.api.Test;

/**
 * Gathering scattered values into per-patient vectors, then the encrypted normal equations of a
 * linear regression, against plaintext OLS on the same data (INSECURE logN 12).
 */
class AlignmentAndLinearRegressionTest {

  private final AnalyticsTestKeys keys = AnalyticsTestKeys.logN12();
  private final Gather gather = new Gather(keys.evaluator, keys.encoder);

  /**
   * Stores each of {@code columns} (patient-indexed) at random distinct places of {@code groups}
   * packing groups, and returns the stored ciphertexts and where each value went.
   */
  private record Scattered(List<Ciphertext> stored, SlotRef[][] places) {}

  private Scattered scatter(double[][] columns, int groups, long seed) {
    int slots = keys.parameters.slots();
    List<SlotRef> free = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (int s = 0; s < slots; s++) {
        free.add(new SlotRef(g, s));
      }
    }
    Collections.shuffle(free, new Random(seed));
    double[][] packed = new double[groups][slots];
    SlotRef[][] places = new SlotRef[columns.length][];
    int next = 0;
    for (int c = 0; c < columns.length; c++) {
      places[c] = new SlotRef[columns[c].length];
      for (int p = 0; p < columns[c].length; p++) {
        SlotRef ref = free.get(next++);
        packed[ref.ciphertext()][ref.slot()] = columns[c][p];
        places[c][p] = ref;
      }
    }
    List<Ciphertext> stored = new ArrayList<>();
    for (double[] values : packed) {
      stored.add(keys.store(values));
    }
    return new Scattered(stored, places);
  }

  @Test
  void gather_scatteredValues_landInPatientOrder_withWeights() {
    int patients = 300;
    Random random = new Random(3);
    double[] values = new double[patients];
    for (int p = 0; p < patients; p++) {
      values[p] = 20 + 15 * random.nextDouble();
    }
    Scattered scattered = scatter(new double[][] {values}, 2, 4);
    List<Gather.Move> moves = new ArrayList<>();
    double[] expected = new double[keys.parameters.slots()];
    for (int p = 0; p < patients; p++) {
      double weight = p % 2 == 0 ? 1 : -0.5;
      moves.add(new Gather.Move(scattered.places()[0][p], new SlotRef(0, p), weight));
      expected[p] = weight * values[p];
    }
    List<Ciphertext> out = gather.gather(scattered.stored(), moves, 1);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).level()).isEqualTo(AnalyticsTestKeys.STORAGE_LEVEL - 1);
    PrecisionStats precision = PrecisionStats.of(expected, keys.decrypt(out.get(0)));
    System.out.println("gather of 300 scattered values: " + precision);
    assertThat(precision.minBits()).isGreaterThan(20);
  }

  @Test
  void gather_twoValuesOfOnePatient_averageWithHalfWeights() {
    double[] a = new double[keys.parameters.slots()];
    a[10] = 120;
    a[900] = 140;
    List<Ciphertext> stored = List.of(keys.store(a));
    List<Ciphertext> out = gather.gather(stored, List.of(
        new Gather.Move(new SlotRef(0, 10), new SlotRef(0, 5), 0.5),
        new Gather.Move(new SlotRef(0, 900), new SlotRef(0, 5), 0.5)), 1);
    assertThat(keys.decrypt(out.get(0))[5]).isCloseTo(130, org.assertj.core.data.Offset.offset(1e-6));
    assertThatThrownBy(() -> gather.gather(stored, List.of(Gather.Move.of(new SlotRef(0, 1), new SlotRef(1, 0))), 1))
        .isInstanceOf(HeException.class).hasMessageContaining("outside 1 output");
  }

  @Test
  void gather_whoseMaskedTermsExceedItsBudget_isRefusedBeforeAllocating_andRunsWithinIt() {
    // Patient p from slot p to slot 8p: every move its own shift, as when rows change stride.
    double[] values = new double[keys.parameters.slots()];
    List<Gather.Move> moves = new ArrayList<>();
    for (int p = 0; p < 64; p++) {
      values[p] = 100 + p;
      moves.add(Gather.Move.of(new SlotRef(0, p), new SlotRef(0, 8 * p)));
    }
    List<Ciphertext> stored = List.of(keys.store(values));
    long perTerm = 2L * (stored.get(0).level() + 1) * stored.get(0).n() * Long.BYTES;

    assertThatThrownBy(() -> new Gather(keys.evaluator, keys.encoder, 10 * perTerm).gather(stored, moves, 1))
        .isInstanceOf(HeException.class).hasMessageContaining("64 masked terms").hasMessageContaining("64 moves");
    double[] spread = keys.decrypt(new Gather(keys.evaluator, keys.encoder, 200 * perTerm).gather(stored, moves, 1).get(0));
    double worst = 0;
    for (int p = 0; p < 64; p++) {
      worst = Math.max(worst, Math.abs(spread[8 * p] - values[p]));
    }
    System.out.printf("gather of 64 distinct shifts within its budget: worst absolute error %.2e%n", worst);
    assertThat(worst).isLessThan(1e-6);
  }

  @Test
  void linearRegression_systolicOnAgeAndBmi_coefficientsWithin1e4OfPlaintextOls() {
    int patients = 400;
    Random random = new Random(5);
    double[] age = new double[patients];
    double[] bmi = new double[patients];
    double[] glucose = new double[patients];
    double[] systolic = new double[patients];
    double[][] x = new double[patients][];
    for (int p = 0; p < patients; p++) {
      age[p] = 20 + 60 * random.nextDouble();
      bmi[p] = 27 + 4 * random.nextGaussian();
      glucose[p] = 95 + 0.3 * bmi[p] + 12 * random.nextGaussian();
      systolic[p] = 95 + 0.5 * age[p] + 0.8 * bmi[p] + 0.05 * glucose[p] + 8 * random.nextGaussian();
      x[p] = new double[] {age[p], bmi[p], glucose[p]};
    }
    double[][] columns = {age, bmi, glucose, systolic};
    Scattered scattered = scatter(columns, 3, 6);
    // One gather call lines all four columns up: column c into output c, patient p at slot p.
    List<Gather.Move> moves = new ArrayList<>();
    for (int c = 0; c < columns.length; c++) {
      for (int p = 0; p < patients; p++) {
        moves.add(Gather.Move.of(scattered.places()[c][p], new SlotRef(c, p)));
      }
    }
    List<Ciphertext> aligned = gather.gather(scattered.stored(), moves, columns.length);
    EncryptedGram gram = new NormalEquations(keys.evaluator).compute(aligned.subList(0, 3), aligned.get(3), patients);
    assertThat(gram.packed().get(0).level()).isEqualTo(AnalyticsTestKeys.STORAGE_LEVEL - 2);

    double[][] decrypted = gram.readGram(keys::decrypt);
    double[][] reference = LeastSquares.gram(x, systolic);
    double worstEntry = 0;
    for (int i = 0; i < reference.length; i++) {
      for (int j = 0; j < reference.length; j++) {
        worstEntry = Math.max(worstEntry, Math.abs(decrypted[i][j] - reference[i][j]) / Math.abs(reference[i][j]));
      }
    }
    double[] encrypted = LeastSquares.solve(decrypted);
    double[] plain = LeastSquares.solve(reference);
    double worst = 0;
    for (int i = 0; i < plain.length; i++) {
      worst = Math.max(worst, Math.abs(encrypted[i] - plain[i]) / Math.abs(plain[i]));
    }
    System.out.printf("OLS from encrypted Gram: %s%nplaintext OLS:           %s%n"
            + "worst relative error: Gram entries %.2e, coefficients %.2e%n",
        java.util.Arrays.toString(encrypted), java.util.Arrays.toString(plain), worstEntry, worst);
    assertThat(worst).isLessThan(1e-4);
  }

  @Test
  void entryIndex_coversTheUpperTriangleOnce() {
    int columns = 5;
    boolean[] seen = new boolean[EncryptedGram.entries(columns)];
    for (int i = 0; i < columns; i++) {
      for (int j = i; j < columns; j++) {
        if (i + j > 0) {
          int e = EncryptedGram.entryIndex(columns, i, j);
          assertThat(seen[e]).isFalse();
          seen[e] = true;
        }
      }
    }
    for (boolean s : seen) {
      assertThat(s).isTrue();
    }
  }
}
