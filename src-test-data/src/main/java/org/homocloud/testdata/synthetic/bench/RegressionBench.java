package org.homocloud.testdata.synthetic.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.EncryptedLogisticModel;
import org.homocloud.he.analytics.Gather;
import org.homocloud.he.analytics.LeastSquares;
import org.homocloud.he.analytics.LogisticReference;
import org.homocloud.he.analytics.LogisticRegression;
import org.homocloud.he.analytics.NesterovSchedule;
import org.homocloud.he.analytics.NormalEquations;
import org.homocloud.he.analytics.RowLayout;
import org.homocloud.he.analytics.SigmoidApproximation;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
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
import org.homocloud.testdata.synthetic.Feature;
import org.homocloud.testdata.synthetic.FeatureMatrix;
import org.homocloud.testdata.synthetic.SyntheticGenerator;

/**
 * {@code ./bench regression}: regression on ciphertexts over 1,000 synthetic patients.
 * <ol>
 *   <li>Linear, logN 14 (secure, the storage preset): the 10 values of each patient stored
 *       packed at level 3, gathered into per-feature vectors, the encrypted Gram matrix, solved
 *       in plaintext; coefficients against plaintext OLS (target 1e-4 relative).
 *   <li>Logistic: 10 features, 10 iterations of Nesterov gradient with the cubic sigmoid and
 *       bootstrapping, at the secure logN 16 bootstrapping preset (about 17 GB of heap), or
 *       with {@code --quick} at an INSECURE logN 12 shape; wall time (target under 10 minutes
 *       secure), precision against the same algorithm in plaintext and AUC against Newton's
 *       exact fit (target within 0.02).
 * </ol>
 */
public final class RegressionBench {

  private static final String SUITE = "regression";
  private static final int PATIENTS = 1000;
  private static final int FEATURES = 10;
  private static final int ITERATIONS = 10;

  private RegressionBench() {}

  public static void main(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean skipLinear = Arrays.asList(args).contains("--logistic-only");
    long heapGb = Runtime.getRuntime().maxMemory() >> 30;
    if (!quick && heapGb < 16) {
      System.err.println("regression: the secure logN 16 bootstrapping keys need about 17 GB of heap, this JVM has "
          + heapGb + " GB; run with -Xmx20g on a machine with that much free memory, or use --quick");
      System.exit(2);
    }
    FeatureMatrix raw = FeatureMatrix.raw(new SyntheticGenerator(7).patients(PATIENTS), FEATURES);
    if (!skipLinear) {
      linear(raw);
    }
    logistic(quick);
  }

  /** Systolic pressure on the other nine features, from values stored as the server stores them. */
  private static void linear(FeatureMatrix data) {
    BenchKeys keys = new BenchKeys(CkksPresets.logN14(), Parallelism.threads(2));
    int slots = keys.parameters.slots();
    // Storage in arrival order: feature after feature, patient after patient, 8192 values a group.
    double[] flat = new double[PATIENTS * FEATURES];
    SlotRef[][] places = new SlotRef[FEATURES][PATIENTS];
    for (int j = 0; j < FEATURES; j++) {
      for (int p = 0; p < PATIENTS; p++) {
        int position = j * PATIENTS + p;
        flat[position] = data.x()[p][j];
        places[j][p] = new SlotRef(position / slots, position % slots);
      }
    }
    List<Ciphertext> stored = new ArrayList<>();
    for (int first = 0; first < flat.length; first += slots) {
      stored.add(keys.store(Arrays.copyOfRange(flat, first, Math.min(flat.length, first + slots)), 3));
    }
    List<Gather.Move> moves = new ArrayList<>();
    for (int j = 0; j < FEATURES; j++) {
      for (int p = 0; p < PATIENTS; p++) {
        moves.add(Gather.Move.of(places[j][p], new SlotRef(j, p)));
      }
    }
    long start = System.nanoTime();
    List<Ciphertext> aligned = new Gather(keys.evaluator, keys.encoder).gather(stored, moves, FEATURES);
    double gatherMs = (System.nanoTime() - start) / 1e6;
    int outcome = Feature.SYSTOLIC.ordinal();
    List<Ciphertext> features = new ArrayList<>(aligned);
    Ciphertext y = features.remove(outcome);
    start = System.nanoTime();
    EncryptedGram gram = new NormalEquations(keys.evaluator).compute(features, y, PATIENTS);
    double gramMs = (System.nanoTime() - start) / 1e6;
    double[] encrypted = LeastSquares.solve(gram.readGram(keys::decrypt));

    double[][] x = new double[PATIENTS][FEATURES - 1];
    double[] target = new double[PATIENTS];
    for (int p = 0; p < PATIENTS; p++) {
      int k = 0;
      for (int j = 0; j < FEATURES; j++) {
        if (j == outcome) {
          target[p] = data.x()[p][j];
        } else {
          x[p][k++] = data.x()[p][j];
        }
      }
    }
    double[] plain = LeastSquares.solve(LeastSquares.gram(x, target));
    double worst = 0;
    for (int i = 0; i < plain.length; i++) {
      worst = Math.max(worst, Math.abs(encrypted[i] - plain[i]) / Math.abs(plain[i]));
    }
    new BenchLine(SUITE, "linear_gather_ms").put("value", gatherMs).put("unit", "ms").put("logN", 14L)
        .put("patients", (long) PATIENTS).put("vectors", (long) FEATURES).put("threads", 2L).print();
    new BenchLine(SUITE, "linear_normal_equations_ms").put("value", gramMs).put("unit", "ms").put("logN", 14L)
        .put("patients", (long) PATIENTS).put("features", (long) (FEATURES - 1))
        .put("gram_ciphertexts", (long) gram.packed().size()).put("threads", 2L).print();
    new BenchLine(SUITE, "linear_coefficients_worst_relative_error").put("value", worst).put("target", 1e-4)
        .put("met", worst < 1e-4).put("logN", 14L).put("security_bits", 128L).print();
  }

  private static void logistic(boolean quick) {
    BootstrappingParameters parameters = quick ? BootstrappingPresets.insecureForTestingLogN12FiveLevels() : BootstrappingPresets.logN16();
    CkksParameters ckks = parameters.ckks();
    Parallelism parallelism = Parallelism.threads(2);
    RowLayout layout = RowLayout.of(FEATURES + 1, ckks.logSlots());
    long start = System.nanoTime();
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    SecretKey sk = generator.generateSecretKey();
    BootstrappingKeys bootKeys = BootstrappingKeys.generate(parameters, sk);
    Map<Long, GaloisKey> galois = new HashMap<>(bootKeys.evaluationKeys().galoisKeys());
    for (int k : LogisticRegression.rotationsNeeded(layout)) {
      long element = Rotations.galoisElement(ckks.logN(), k);
      galois.computeIfAbsent(element, e -> generator.generateGaloisKey(sk, e, parameters.levelsLeft()));
    }
    Evaluator evaluator = new Evaluator(ckks, new EvaluationKeySet(
        bootKeys.evaluationKeys().relinearizationKey().orElseThrow(), galois.values()), parallelism);
    Encoder encoder = new Encoder(ckks, parallelism);
    Bootstrapper bootstrapper = new Bootstrapper(parameters, bootKeys, parallelism);
    double keygenSeconds = (System.nanoTime() - start) / 1e9;
    String label = quick ? "insecure logN 12 (--quick)" : "secure logN 16";
    long security = ckks.securityBits();
    new BenchLine(SUITE, "logistic_keygen_s").put("value", keygenSeconds).put("unit", "s").put("logN", (long) ckks.logN())
        .put("parameters", label).put("security_bits", security).print();

    FeatureMatrix data = FeatureMatrix.normalised(new SyntheticGenerator(7).patients(PATIENTS), FEATURES);
    double[][] signed = LogisticReference.signedRows(data.x(), data.y());
    Encryptor encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk), parallelism);
    List<Ciphertext> rows = new ArrayList<>();
    for (double[] slots : layout.pack(signed)) {
      rows.add(encryptor.encrypt(encoder.encode(slots, null, ckks.logSlots(), parameters.levelsLeft() + 1,
          ckks.defaultScale())));
    }
    long[] finished = new long[ITERATIONS + 1];
    long trainStart = System.nanoTime();
    EncryptedLogisticModel model = new LogisticRegression(evaluator, encoder, bootstrapper)
        .train(rows, layout, PATIENTS, ITERATIONS, t -> finished[t] = System.nanoTime());
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;

    double[] encrypted = model.read(encoder.decodeReal(new Decryptor(sk).decrypt(model.coefficients())));
    double[] mirror = LogisticReference.nesterovPolynomial(signed, ITERATIONS, NesterovSchedule.kim(),
        SigmoidApproximation.kimDegree3());
    double[] newton = LogisticReference.newton(data.x(), data.y(), 25);
    double worst = 0;
    for (int j = 0; j < encrypted.length; j++) {
      worst = Math.max(worst, Math.abs(encrypted[j] - mirror[j]));
    }
    double aucEncrypted = LogisticReference.auc(LogisticReference.scores(data.x(), encrypted), data.y());
    double aucMirror = LogisticReference.auc(LogisticReference.scores(data.x(), mirror), data.y());
    double aucNewton = LogisticReference.auc(LogisticReference.scores(data.x(), newton), data.y());
    new BenchLine(SUITE, "logistic_train_wall_s").put("value", trainSeconds).put("unit", "s")
        .put("patients", (long) PATIENTS).put("features", (long) FEATURES).put("iterations", (long) ITERATIONS)
        .put("bootstraps", (long) model.bootstraps()).put("row_ciphertexts", (long) rows.size())
        .put("logN", (long) ckks.logN()).put("parameters", label).put("security_bits", security)
        .put("threads", 2L).put("target_s", 600L).put("met", trainSeconds < 600).print();
    for (int t = 1; t <= ITERATIONS; t++) {
      long from = t == 1 ? trainStart : finished[t - 1];
      new BenchLine(SUITE, "logistic_iteration_s").put("value", (finished[t] - from) / 1e9).put("iteration", (long) t)
          .put("parameters", label).print();
    }
    new BenchLine(SUITE, "logistic_precision_vs_plaintext_nesterov").put("value", worst).put("unit", "abs")
        .put("bits", -Math.log(worst) / Math.log(2)).put("parameters", label).print();
    new BenchLine(SUITE, "logistic_auc").put("value", aucEncrypted).put("plaintext_nesterov", aucMirror)
        .put("newton", aucNewton).put("difference_vs_newton", Math.abs(aucEncrypted - aucNewton))
        .put("target", 0.02).put("met", Math.abs(aucEncrypted - aucNewton) < 0.02).put("parameters", label).print();
    new BenchLine(SUITE, "logistic_coefficients").put("encrypted", Arrays.toString(round(encrypted)))
        .put("newton", Arrays.toString(round(newton))).put("parameters", label).print();
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 1e4) / 1e4).toArray();
  }
}
