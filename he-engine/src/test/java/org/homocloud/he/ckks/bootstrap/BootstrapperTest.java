package org.homocloud.he.ckks.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.Test;

/** Bootstrapping at small, INSECURE test parameters (logN 12), checked against plaintext. */
class BootstrapperTest {

  /** Keys and tools for one bootstrapping parameter set. */
  private static final class Fixture {
    final BootstrappingParameters parameters;
    final CkksParameters ckks;
    final Encoder encoder;
    final Encryptor encryptor;
    final Decryptor decryptor;
    final BootstrappingKeys keys;
    final Bootstrapper bootstrapper;
    final Evaluator evaluator;

    Fixture(BootstrappingParameters parameters) {
      this.parameters = parameters;
      this.ckks = parameters.ckks();
      KeyGenerator kg = new KeyGenerator(ckks.rlwe());
      SecretKey sk = kg.generateSecretKey();
      encoder = new Encoder(ckks);
      encryptor = Encryptor.withPublicKey(kg.generatePublicKey(sk));
      decryptor = new Decryptor(sk);
      keys = BootstrappingKeys.generate(parameters, sk);
      bootstrapper = new Bootstrapper(parameters, keys, Parallelism.sequential());
      evaluator = new Evaluator(ckks, keys.evaluationKeys());
    }

    Ciphertext encryptAtLevelZero(double[] re, double[] im) {
      return encryptor.encrypt(encoder.encode(re, im, ckks.logSlots(), 0, ckks.defaultScale()));
    }

    PrecisionStats compare(String what, double[] re, double[] im, Ciphertext ct) {
      double[][] out = encoder.decode(decryptor.decrypt(ct));
      PrecisionStats stats = PrecisionStats.of(re, im, out[0], out[1]);
      System.out.printf("[logN %d, %d slots] %s: level %d, %s%n", ckks.logN(), ckks.slots(), what, ct.level(), stats);
      return stats;
    }
  }

  private static Fixture full;

  private static synchronized Fixture full() {
    if (full == null) {
      full = new Fixture(BootstrappingPresets.insecureForTestingLogN12());
    }
    return full;
  }

  private static double[][] unitDisk(int slots, long seed) {
    Random random = new Random(seed);
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int i = 0; i < slots; i++) {
      double r = Math.sqrt(random.nextDouble());
      double t = 2 * Math.PI * random.nextDouble();
      re[i] = r * Math.cos(t);
      im[i] = r * Math.sin(t);
    }
    return new double[][] {re, im};
  }

  @Test
  void bootstrap_fullSlotsComplex_refreshesToLevelsLeft_keepingTheMessage() {
    Fixture f = full();
    double[][] v = unitDisk(f.ckks.slots(), 1);
    Ciphertext ct = f.encryptAtLevelZero(v[0], v[1]);
    Ciphertext refreshed = f.bootstrapper.bootstrap(ct);
    assertThat(refreshed.level()).isEqualTo(f.parameters.levelsLeft()).isEqualTo(2);
    assertThat(refreshed.scale()).isEqualTo(ct.scale());
    PrecisionStats stats = f.compare("bootstrap (complex, unit disk)", v[0], v[1], refreshed);
    assertThat(stats.meanBits()).isGreaterThanOrEqualTo(24);
    assertThat(stats.minBits()).isGreaterThanOrEqualTo(21);
  }

  @Test
  void bootstrap_thenCompute_thenBootstrapAgain() {
    Fixture f = full();
    int slots = f.ckks.slots();
    double[] x = new double[slots];
    Random random = new Random(2);
    for (int i = 0; i < slots; i++) {
      x[i] = 2 * random.nextDouble() - 1;
    }
    Ciphertext ct = f.bootstrapper.bootstrap(f.encryptAtLevelZero(x, null));
    // Compute with the refreshed levels: x^2 then x^2 * x, down to level 0.
    Ciphertext square = f.evaluator.rescaleNew(f.evaluator.mulRelinNew(ct, ct));
    Ciphertext cube = f.evaluator.rescaleNew(f.evaluator.mulRelinNew(square, f.evaluator.dropToLevelNew(ct, square.level())));
    assertThat(cube.level()).isZero();
    double[] expectedCube = new double[slots];
    for (int i = 0; i < slots; i++) {
      expectedCube[i] = x[i] * x[i] * x[i];
    }
    f.compare("after compute (x^3)", expectedCube, null, cube);
    cube.setScale(f.ckks.defaultScale() * (cube.scale() / f.ckks.defaultScale()));
    Ciphertext again = f.bootstrapper.bootstrap(cube);
    assertThat(again.level()).isEqualTo(f.parameters.levelsLeft());
    PrecisionStats stats = f.compare("second bootstrap of x^3", expectedCube, null, again);
    assertThat(stats.meanBits()).isGreaterThanOrEqualTo(23);
    Ciphertext sixth = f.evaluator.rescaleNew(f.evaluator.mulRelinNew(again, again));
    double[] expectedSixth = new double[slots];
    for (int i = 0; i < slots; i++) {
      expectedSixth[i] = expectedCube[i] * expectedCube[i];
    }
    assertThat(f.compare("x^6 after the second bootstrap", expectedSixth, null, sixth).meanBits()).isGreaterThanOrEqualTo(22);
  }

  @Test
  void bootstrap_sparseSlots_realValues() {
    Fixture f = new Fixture(BootstrappingPresets.insecureForTestingLogN12(7));
    int slots = f.ckks.slots();
    double[] x = new double[slots];
    for (int i = 0; i < slots; i++) {
      x[i] = Math.sin(i) * 0.9;
    }
    Ciphertext refreshed = f.bootstrapper.bootstrap(f.encryptAtLevelZero(x, null));
    assertThat(refreshed.level()).isEqualTo(f.parameters.levelsLeft());
    PrecisionStats stats = f.compare("bootstrap (sparse, 128 real slots)", x, null, refreshed);
    assertThat(stats.meanBits()).isGreaterThanOrEqualTo(22);
  }

  @Test
  void encapsulationKey_toTheSparseSecret_existsAtLevelZeroOnly() {
    Fixture f = full();
    assertThat(f.keys.denseToSparse().bQ(0).limbCount()).isEqualTo(1);
    assertThat(f.keys.denseToSparse().digitCount()).isEqualTo(1);
    assertThat(f.keys.sparseToDense().bQ(0).limbCount()).isEqualTo(f.ckks.maxLevel() + 1);
  }

  @Test
  void parameters_statesFailureProbability_andRefusesChainsTooShort() {
    BootstrappingParameters p = full().parameters;
    System.out.printf("failure probability per bootstrap: 2^%.1f%n", p.log2FailureProbability());
    assertThat(p.log2FailureProbability()).isLessThan(-40);
    assertThatThrownBy(() -> new BootstrappingParameters(p.ckks(), 4, 4, 16, 2, 55, 32, 10))
        .isInstanceOf(HeException.class).hasMessageContaining("needs 18 levels");
    assertThatThrownBy(() -> full().bootstrapper.bootstrap(full().evaluator.mulNew(
            full().encryptAtLevelZero(new double[] {1}, null), full().encryptAtLevelZero(new double[] {1}, null))))
        .isInstanceOf(HeException.class).hasMessageContaining("relinearize first");
  }
}
