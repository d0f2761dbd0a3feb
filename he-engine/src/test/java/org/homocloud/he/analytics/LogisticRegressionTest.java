package org.homocloud.he.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ckks.bootstrap.Bootstrapper;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeys;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingPresets;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * Logistic regression on ciphertexts with bootstrapping between iterations, INSECURE logN 12:
 * against the same algorithm in plaintext (arithmetic) and against Newton's exact fit (AUC).
 */
class LogisticRegressionTest {

  /** Keys, evaluator and bootstrapper for the five-level shape, built once for the class. */
  private static final class Fixture {
    final BootstrappingParameters parameters = BootstrappingPresets.insecureForTestingLogN12FiveLevels();
    final CkksParameters ckks = parameters.ckks();
    final KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    final SecretKey sk = generator.generateSecretKey();
    final BootstrappingKeys bootKeys = BootstrappingKeys.generate(parameters, sk);
    final RowLayout layout = RowLayout.of(6, ckks.logSlots());
    final Evaluator evaluator;
    final Encoder encoder = new Encoder(ckks);
    final Encryptor encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk));
    final Decryptor decryptor = new Decryptor(sk);
    final Bootstrapper bootstrapper = new Bootstrapper(parameters, bootKeys, Parallelism.sequential());

    Fixture() {
      Map<Long, GaloisKey> galois = new HashMap<>(bootKeys.evaluationKeys().galoisKeys());
      // The rotations of training (either layout, as tall as the rows), and of gathering stored values (every
      // power of two).
      java.util.Set<Integer> training = new java.util.TreeSet<>(LogisticRegression.rotationsNeeded(layout));
      training.addAll(LogisticRegression.rotationsNeeded(RowLayout.columnMajor(6, ckks.logSlots())));
      for (int k : training) {
        long element = Rotations.galoisElement(ckks.logN(), k);
        galois.computeIfAbsent(element, e -> generator.generateGaloisKey(sk, e, parameters.levelsLeft() + 1));
      }
      for (int k = 1; k < ckks.slots(); k <<= 1) {
        for (int signed : new int[] {k, -k}) {
          long element = Rotations.galoisElement(ckks.logN(), signed);
          galois.computeIfAbsent(element, e -> generator.generateGaloisKey(sk, e, STORAGE_LEVEL));
        }
      }
      evaluator = new Evaluator(ckks, new EvaluationKeySet(
          bootKeys.evaluationKeys().relinearizationKey().orElseThrow(), galois.values()));
    }

    double[] decrypt(Ciphertext ct) {
      return encoder.decodeReal(decryptor.decrypt(ct));
    }
  }

  /** Stored values sit here, as in the storage contract; gathering needs rotations there. */
  private static final int STORAGE_LEVEL = 3;

  private static Fixture fixture;

  private static synchronized Fixture fixture() {
    if (fixture == null) {
      fixture = new Fixture();
    }
    return fixture;
  }

  /** Features ~ N(0, 0.5^2) and labels from a known logistic model. */
  private static int[] labels(double[][] x, double[] truth, Random random) {
    int[] y = new int[x.length];
    for (int p = 0; p < x.length; p++) {
      double eta = truth[0];
      for (int j = 0; j < x[p].length; j++) {
        eta += truth[j + 1] * x[p][j];
      }
      y[p] = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    return y;
  }

  private static void report(String what, double[] encrypted, double[] mirror, double[] newton, double[][] x, int[] y,
      EncryptedLogisticModel model) {
    double worst = 0;
    for (int j = 0; j < encrypted.length; j++) {
      worst = Math.max(worst, Math.abs(encrypted[j] - mirror[j]));
    }
    double aucEncrypted = LogisticReference.auc(LogisticReference.scores(x, encrypted), y);
    double aucNewton = LogisticReference.auc(LogisticReference.scores(x, newton), y);
    System.out.printf("%s%nencrypted NAG: %s%nplaintext NAG: %s%nNewton:        %s%n"
            + "max |encrypted - plaintext NAG| %.2e (%.1f bits); AUC encrypted %.4f, Newton %.4f; %d bootstraps%n",
        what, Arrays.toString(encrypted), Arrays.toString(mirror), Arrays.toString(newton), worst,
        -Math.log(worst) / Math.log(2), aucEncrypted, aucNewton, model.bootstraps());
    assertThat(worst).isLessThan(1e-3);
    assertThat(Math.abs(aucEncrypted - aucNewton)).isLessThan(0.02);
  }

  @Test
  void train_fourIterationsWithTwoBootstraps_matchesPlaintextAlgorithm_andAucOfNewtonWithin002() {
    Fixture f = fixture();
    BootstrappingParameters parameters = f.parameters;
    CkksParameters ckks = f.ckks;
    RowLayout layout = f.layout;
    Evaluator evaluator = f.evaluator;
    Encoder encoder = f.encoder;
    Bootstrapper bootstrapper = f.bootstrapper;
    BootstrappingKeys bootKeys = f.bootKeys;

    int patients = 400;
    int features = 5;
    Random random = new Random(11);
    double[][] x = new double[patients][features];
    for (double[] row : x) {
      for (int j = 0; j < features; j++) {
        row[j] = 0.5 * random.nextGaussian();
      }
    }
    int[] y = labels(x, new double[] {-0.4, 1.0, -0.8, 0.6, 0.0, 0.9}, random);
    double[][] signed = LogisticReference.signedRows(x, y);
    List<Ciphertext> rows = new ArrayList<>();
    for (double[] slots : layout.pack(signed)) {
      rows.add(f.encryptor.encrypt(encoder.encode(slots, null, ckks.logSlots(), ckks.maxLevel(), ckks.defaultScale())));
    }

    int iterations = 4;
    List<Integer> heard = new ArrayList<>();
    EncryptedLogisticModel model = new LogisticRegression(evaluator, encoder, bootstrapper)
        .train(rows, layout, patients, iterations, heard::add);
    double[] encrypted = model.read(f.decrypt(model.coefficients()));
    double[] mirror = LogisticReference.nesterovPolynomial(signed, iterations, NesterovSchedule.kim(),
        SigmoidApproximation.kimDegree3());
    report("rows encrypted by the client, 4 iterations", encrypted, mirror, LogisticReference.newton(x, y, 25), x, y,
        model);
    assertThat(model.bootstraps()).isEqualTo(2);
    assertThat(heard).containsExactly(1, 2, 3, 4);

    assertThatThrownBy(() -> new LogisticRegression(evaluator, encoder, bootstrapper).train(rows, layout, 10, 3))
        .isInstanceOf(HeException.class).hasMessageContaining("need 1 ciphertexts");
    Bootstrapper twoLevels = new Bootstrapper(BootstrappingPresets.insecureForTestingLogN12(),
        new BootstrappingKeys(bootKeys.evaluationKeys(), null, null), Parallelism.sequential());
    assertThatThrownBy(() -> new LogisticRegression(evaluator, encoder, twoLevels))
        .isInstanceOf(HeException.class).hasMessageContaining("leave 2");
  }

  @Test
  void train_fromScatteredStoredValuesAndAPlaintextCovariate_signedRowsByGather_thenThreeIterations() {
    Fixture f = fixture();
    int patients = 300;
    int features = 5;
    double[] centers = {130, 80, 27, 100, 50};
    double[] scales = {30, 20, 8, 40, 30};
    Random random = new Random(12);
    double[][] raw = new double[patients][features];
    double[][] normalised = new double[patients][features];
    for (int p = 0; p < patients; p++) {
      for (int j = 0; j < features; j++) {
        normalised[p][j] = 0.5 * random.nextGaussian();
        raw[p][j] = centers[j] + scales[j] * normalised[p][j];
      }
    }
    int[] y = labels(normalised, new double[] {0.3, 1.2, 0.0, -0.9, 0.7, 0.5}, random);
    // Store the raw values scattered over two packing groups at the storage level.
    int slots = f.ckks.slots();
    double[][] packed = new double[2][slots];
    SlotRef[][] places = new SlotRef[patients][features];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 2 * slots; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, random);
    int next = 0;
    for (int p = 0; p < patients; p++) {
      for (int j = 0; j < features; j++) {
        int position = order.get(next++);
        places[p][j] = new SlotRef(position / slots, position % slots);
        packed[position / slots][position % slots] = raw[p][j];
      }
    }
    List<Ciphertext> stored = new ArrayList<>();
    for (double[] values : packed) {
      stored.add(f.encryptor.encrypt(f.encoder.encode(values, null, f.ckks.logSlots(), STORAGE_LEVEL,
          f.ckks.defaultScale())));
    }
    // The last feature is a plaintext covariate (say age, from Patient): not stored, added as a constant.
    SlotRef[][] encryptedPlaces = new SlotRef[patients][];
    double[][] covariates = new double[patients][];
    for (int p = 0; p < patients; p++) {
      encryptedPlaces[p] = Arrays.copyOf(places[p], features - 1);
      covariates[p] = new double[] {raw[p][features - 1]};
    }
    List<Ciphertext> rows = new SignedRows(f.evaluator, f.encoder)
        .build(stored, encryptedPlaces, covariates, y, centers, scales, f.layout);
    assertThat(rows).hasSize(2);
    double[][] signed = LogisticReference.signedRows(normalised, y);
    double[][] expectedRows = f.layout.pack(signed);
    ckksPrecision(expectedRows[0], f.decrypt(rows.get(0)));

    int iterations = 3;
    EncryptedLogisticModel model = new LogisticRegression(f.evaluator, f.encoder, f.bootstrapper)
        .train(rows, f.layout, patients, iterations);
    double[] encrypted = model.read(f.decrypt(model.coefficients()));
    double[] mirror = LogisticReference.nesterovPolynomial(signed, iterations, NesterovSchedule.kim(),
        SigmoidApproximation.kimDegree3());
    report("rows gathered from stored values, 3 iterations", encrypted, mirror,
        LogisticReference.newton(normalised, y, 25), normalised, y, model);
    // Two row ciphertexts refreshed, one after the first iteration, one fused with the momentum step.
    assertThat(model.bootstraps()).isEqualTo(4);
  }

  @Test
  void train_columnMajor_fromVectorsAlignedPatientBySlot_oneShiftPerFeature_matchesPlaintextAlgorithm() {
    Fixture f = fixture();
    RowLayout layout = RowLayout.columnMajor(6, f.ckks.logSlots());
    int patients = 200;
    int features = 5;
    double[] centers = {130, 80, 27, 100, 50};
    double[] scales = {30, 20, 8, 40, 30};
    Random random = new Random(13);
    double[][] normalised = new double[patients][features];
    // As the server's alignment leaves them: one vector per feature, patient p in slot p, at the storage level.
    double[][] vectors = new double[features][f.ckks.slots()];
    SlotRef[][] places = new SlotRef[patients][features];
    for (int p = 0; p < patients; p++) {
      for (int j = 0; j < features; j++) {
        normalised[p][j] = 0.5 * random.nextGaussian();
        vectors[j][p] = centers[j] + scales[j] * normalised[p][j];
        places[p][j] = new SlotRef(j, p);
      }
    }
    int[] y = labels(normalised, new double[] {-0.2, 0.8, 0.5, -1.0, 0.0, 0.6}, random);
    List<Ciphertext> aligned = new ArrayList<>();
    for (double[] values : vectors) {
      aligned.add(f.encryptor.encrypt(f.encoder.encode(values, null, f.ckks.logSlots(), STORAGE_LEVEL,
          f.ckks.defaultScale())));
    }

    List<Ciphertext> rows = new SignedRows(f.evaluator, f.encoder).build(aligned, places, y, centers, scales, layout);
    assertThat(rows).as("128 patients per row ciphertext").hasSize(2);
    double[][] signed = LogisticReference.signedRows(normalised, y);
    ckksPrecision(layout.pack(signed)[1], f.decrypt(rows.get(1)));

    int iterations = 3;
    EncryptedLogisticModel model = new LogisticRegression(f.evaluator, f.encoder, f.bootstrapper)
        .train(rows, layout, patients, iterations);
    assertThat(model.slot(1)).isEqualTo(layout.place(0, 1).slot()).isEqualTo(f.ckks.slots() / 8);
    double[] encrypted = model.read(f.decrypt(model.coefficients()));
    double[] mirror = LogisticReference.nesterovPolynomial(signed, iterations, NesterovSchedule.kim(),
        SigmoidApproximation.kimDegree3());
    report("column-major rows from patient-aligned vectors, 3 iterations", encrypted, mirror,
        LogisticReference.newton(normalised, y, 25), normalised, y, model);
  }

  @Test
  void columnMajorLayout_placesEachColumnInItsSegment_lowerHalfOnly() {
    RowLayout layout = RowLayout.columnMajor(3, 6);
    assertThat(layout.blockSize()).isEqualTo(4);
    assertThat(layout.rowsPerCiphertext()).isEqualTo(8);
    assertThat(layout.place(0, 0)).isEqualTo(new SlotRef(0, 0));
    assertThat(layout.place(5, 2)).isEqualTo(new SlotRef(0, 2 * 16 + 5));
    assertThat(layout.place(9, 1)).isEqualTo(new SlotRef(1, 16 + 1));
    assertThat(layout.columnStride()).isEqualTo(16);
    assertThat(LogisticRegression.rotationsNeeded(layout)).containsExactly(-4, -2, -1, 1, 2, 4, 16, 32);
  }

  private static void ckksPrecision(double[] expected, double[] actual) {
    org.homocloud.he.ckks.PrecisionStats stats = org.homocloud.he.ckks.PrecisionStats.of(expected, actual);
    System.out.println("signed rows gathered from storage: " + stats);
    assertThat(stats.minBits()).isGreaterThan(20);
  }

  @Test
  void toOriginalUnits_scoresRawValuesAsTheNormalisedModelScoresNormalisedOnes() {
    double[] b = {0.3, 1.2, -0.5};
    double[] centers = {130, 27};
    double[] scales = {30, 8};
    double[] raw = {150, 31};
    double normalised = b[0] + b[1] * (raw[0] - 130) / 30 + b[2] * (raw[1] - 27) / 8;
    double[] original = EncryptedLogisticModel.toOriginalUnits(b, centers, scales);
    assertThat(original[0] + original[1] * raw[0] + original[2] * raw[1])
        .isCloseTo(normalised, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void nesterovSchedule_followsKim_firstMomentumZero_thenNegative() {
    NesterovSchedule schedule = NesterovSchedule.kim();
    assertThat(schedule.learningRate(1)).isEqualTo(5);
    assertThat(schedule.momentum(1)).isZero();
    assertThat(schedule.momentum(2)).isNegative();
  }
}
