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
import org.homocloud.he.ckks.circuits.SineEvaluator;
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

  /**
   * INSECURE: the logN 12 test bootstrapping shape of {@link BootstrappingPresets} with five
   * levels of 45 bits left for computation instead of two (one iteration needs five).
   */
  static BootstrappingParameters insecureLogN12FiveLevelsLeft() {
    int evalModLevels = new SineEvaluator(16, 2, 55).levels();
    int[] logQ = new int[1 + 5 + 2 + evalModLevels + 2];
    int i = 0;
    logQ[i++] = 60;
    for (int k = 0; k < 5; k++) {
      logQ[i++] = 45;
    }
    for (int k = 0; k < 2; k++) {
      logQ[i++] = 50;
    }
    while (i < logQ.length) {
      logQ[i++] = 60;
    }
    CkksParameters ckks = CkksParameters.builder().logN(12).logQ(logQ).logP(61, 61, 61).primesPerDigit(3)
        .logDefaultScale(45).insecureForTesting(true).build();
    return new BootstrappingParameters(ckks, 2, 2, 16, 2, 55, 32, 10);
  }

  @Test
  void train_fourIterationsWithTwoBootstraps_matchesPlaintextAlgorithm_andAucOfNewtonWithin002() {
    BootstrappingParameters parameters = insecureLogN12FiveLevelsLeft();
    CkksParameters ckks = parameters.ckks();
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    SecretKey sk = generator.generateSecretKey();
    BootstrappingKeys bootKeys = BootstrappingKeys.generate(parameters, sk);
    RowLayout layout = RowLayout.of(6, ckks.logSlots());
    Map<Long, GaloisKey> galois = new HashMap<>(bootKeys.evaluationKeys().galoisKeys());
    for (int k : LogisticRegression.rotationsNeeded(layout)) {
      long element = Rotations.galoisElement(ckks.logN(), k);
      galois.computeIfAbsent(element, e -> generator.generateGaloisKey(sk, e, parameters.levelsLeft()));
    }
    Evaluator evaluator = new Evaluator(ckks, new EvaluationKeySet(
        bootKeys.evaluationKeys().relinearizationKey().orElseThrow(), galois.values()));
    Encoder encoder = new Encoder(ckks);
    Bootstrapper bootstrapper = new Bootstrapper(parameters, bootKeys, Parallelism.sequential());

    int patients = 400;
    int features = 5;
    Random random = new Random(11);
    double[] truth = {-0.4, 1.0, -0.8, 0.6, 0.0, 0.9};
    double[][] x = new double[patients][features];
    int[] y = new int[patients];
    for (int p = 0; p < patients; p++) {
      double eta = truth[0];
      for (int j = 0; j < features; j++) {
        x[p][j] = 0.5 * random.nextGaussian();
        eta += truth[j + 1] * x[p][j];
      }
      y[p] = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    double[][] signed = LogisticReference.signedRows(x, y);
    Encryptor encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk));
    List<Ciphertext> rows = new ArrayList<>();
    for (double[] slots : layout.pack(signed)) {
      rows.add(encryptor.encrypt(encoder.encode(slots, null, ckks.logSlots(), ckks.maxLevel(), ckks.defaultScale())));
    }

    int iterations = 4;
    List<Integer> heard = new ArrayList<>();
    EncryptedLogisticModel model = new LogisticRegression(evaluator, encoder, bootstrapper)
        .train(rows, layout, patients, iterations, heard::add);
    double[] encrypted = model.read(encoder.decodeReal(new Decryptor(sk).decrypt(model.coefficients())));
    double[] mirror = LogisticReference.nesterovPolynomial(signed, iterations, NesterovSchedule.kim(),
        SigmoidApproximation.kimDegree3());
    double[] newton = LogisticReference.newton(x, y, 25);
    double worst = 0;
    for (int j = 0; j < encrypted.length; j++) {
      worst = Math.max(worst, Math.abs(encrypted[j] - mirror[j]));
    }
    double aucEncrypted = LogisticReference.auc(LogisticReference.scores(x, encrypted), y);
    double aucNewton = LogisticReference.auc(LogisticReference.scores(x, newton), y);
    System.out.printf("encrypted NAG: %s%nplaintext NAG: %s%nNewton:        %s%n"
            + "max |encrypted - plaintext NAG| %.2e (%.1f bits); AUC encrypted %.4f, Newton %.4f; %d bootstraps%n",
        Arrays.toString(encrypted), Arrays.toString(mirror), Arrays.toString(newton), worst,
        -Math.log(worst) / Math.log(2), aucEncrypted, aucNewton, model.bootstraps());
    assertThat(model.bootstraps()).isEqualTo(2);
    assertThat(heard).containsExactly(1, 2, 3, 4);
    assertThat(worst).isLessThan(1e-3);
    assertThat(Math.abs(aucEncrypted - aucNewton)).isLessThan(0.02);

    assertThatThrownBy(() -> new LogisticRegression(evaluator, encoder, bootstrapper).train(rows, layout, 10, 3))
        .isInstanceOf(HeException.class).hasMessageContaining("need 1 ciphertexts");
    Bootstrapper twoLevels = new Bootstrapper(BootstrappingPresets.insecureForTestingLogN12(),
        new BootstrappingKeys(bootKeys.evaluationKeys(), null, null), Parallelism.sequential());
    assertThatThrownBy(() -> new LogisticRegression(evaluator, encoder, twoLevels))
        .isInstanceOf(HeException.class).hasMessageContaining("leave 2");
  }

  @Test
  void nesterovSchedule_followsKim_firstMomentumZero_thenNegative() {
    NesterovSchedule schedule = NesterovSchedule.kim();
    assertThat(schedule.learningRate(1)).isEqualTo(5);
    assertThat(schedule.momentum(1)).isZero();
    assertThat(schedule.momentum(2)).isNegative();
  }
}
