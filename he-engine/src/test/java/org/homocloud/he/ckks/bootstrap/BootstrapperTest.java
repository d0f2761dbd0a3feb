package org.homocloud.he.ckks.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BootstrapperTest {

  private static BootstrappingParameters parameters;
  private static CkksParameters ckks;
  private static Encoder encoder;
  private static Encryptor encryptor;
  private static Decryptor decryptor;
  private static Bootstrapper bootstrapper;

  @BeforeAll
  static void keys() {
    parameters = BootstrappingPresets.insecureForTestingLogN12();
    ckks = parameters.ckks();
    KeyGenerator kg = new KeyGenerator(ckks.rlwe());
    SecretKey sk = kg.generateSecretKey();
    encoder = new Encoder(ckks);
    encryptor = Encryptor.withPublicKey(kg.generatePublicKey(sk));
    decryptor = new Decryptor(sk);
    long start = System.nanoTime();
    BootstrappingKeys keys = BootstrappingKeys.generate(parameters, sk);
    bootstrapper = new Bootstrapper(parameters, keys, Parallelism.sequential());
    System.out.printf("bootstrapping keys: %d Galois keys, %.1f s%n",
        keys.evaluationKeys().galoisKeys().size(), (System.nanoTime() - start) / 1e9);
  }

  private static double[][] unitDisk(long seed) {
    Random random = new Random(seed);
    double[] re = new double[ckks.slots()];
    double[] im = new double[ckks.slots()];
    for (int i = 0; i < re.length; i++) {
      double r = Math.sqrt(random.nextDouble());
      double t = 2 * Math.PI * random.nextDouble();
      re[i] = r * Math.cos(t);
      im[i] = r * Math.sin(t);
    }
    return new double[][] {re, im};
  }

  @Test
  void bootstrap_refreshesLevelZeroCiphertext_keepingTheMessage() {
    double[][] v = unitDisk(1);
    Ciphertext ct = encryptor.encrypt(encoder.encode(v[0], v[1], ckks.logSlots(), 0, ckks.defaultScale()));
    long start = System.nanoTime();
    Ciphertext refreshed = bootstrapper.bootstrap(ct);
    double seconds = (System.nanoTime() - start) / 1e9;
    double[][] out = encoder.decode(decryptor.decrypt(refreshed));
    PrecisionStats stats = PrecisionStats.of(v[0], v[1], out[0], out[1]);
    System.out.printf("bootstrap logN %d: %.2f s, level %d -> %d, %s%n",
        ckks.logN(), seconds, ct.level(), refreshed.level(), stats);
    assertThat(refreshed.level()).isEqualTo(parameters.levelsLeft());
    assertThat(refreshed.scale()).isEqualTo(ct.scale());
    assertThat(stats.meanBits()).isGreaterThan(16);
  }
}
