package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.ckks.bootstrap.BootstrappingPresets;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * Tag 10, bootstrapping key sets, at the INSECURE logN 12 test shape: every key keeps its own level
 * through a round trip, the written size is the computed one, a stream check sees the same keys, and
 * a bootstrapper built from keys read back refreshes a ciphertext.
 */
class BootstrappingKeySetCodecTest {

  @Test
  void roundTrip_keepsLevelsAndShape_andTheKeysReadBackBootstrap() throws Exception {
    var parameters = BootstrappingPresets.insecureForTestingLogN12FiveLevels();
    CkksParameters ckks = parameters.ckks();
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    SecretKey sk = generator.generateSecretKey();
    BootstrappingKeySet set = BootstrappingKeySet.generate(parameters, sk);
    BootstrappingKeySetCodec codec = new BootstrappingKeySetCodec(ckks);

    byte[] bytes = codec.toBytes(set);
    assertThat((long) bytes.length).isEqualTo(codec.size(set));
    BootstrappingKeySet read = codec.fromBytes(bytes);
    var shape = read.parameters();
    assertThat(new int[] {shape.ctsLevels(), shape.stcLevels(), shape.evalModK(), shape.doubleAngles(),
        shape.cosineDegree(), shape.ephemeralHammingWeight(), shape.logMessageRatio()})
        .containsExactly(parameters.ctsLevels(), parameters.stcLevels(), parameters.evalModK(),
            parameters.doubleAngles(), parameters.cosineDegree(), parameters.ephemeralHammingWeight(),
            parameters.logMessageRatio());
    assertThat(shape.ckks().fingerprint()).isEqualTo(ckks.fingerprint());
    assertThat(read.keys().denseToSparse().bQ(0).limbCount()).isEqualTo(1);
    assertThat(read.keys().sparseToDense().bQ(0).limbCount()).isEqualTo(ckks.maxLevel() + 1);
    assertThat(read.keys().evaluationKeys().galoisKeys().keySet())
        .isEqualTo(set.keys().evaluationKeys().galoisKeys().keySet());
    set.keys().evaluationKeys().galoisKeys().forEach((element, key) -> assertThat(
        read.keys().evaluationKeys().galoisKeys().get(element).key().bQ(0).limbCount())
        .isEqualTo(key.key().bQ(0).limbCount()));
    assertThat(codec.toBytes(read)).isEqualTo(bytes);
    BootstrappingKeySetCodec.Summary summary = codec.check(new ByteArrayInputStream(bytes));
    assertThat(summary.galoisElements()).containsExactlyElementsOf(set.keys().evaluationKeys().galoisKeys().keySet());
    assertThat(summary.relinearizationKey()).isTrue();
    System.out.printf("bootstrapping key set, insecure logN 12 five levels: %d bytes, %d Galois keys%n",
        bytes.length, summary.galoisElements().size());

    Encoder encoder = new Encoder(ckks);
    double[] values = new Random(3).doubles(ckks.slots(), -1, 1).toArray();
    Ciphertext low = Encryptor.withPublicKey(generator.generatePublicKey(sk))
        .encrypt(encoder.encode(values, null, ckks.logSlots(), 0, ckks.defaultScale()));
    Ciphertext fresh = read.bootstrapper(Parallelism.sequential()).bootstrap(low);
    assertThat(fresh.level()).isEqualTo(parameters.levelsLeft());
    double[] out = encoder.decodeReal(new Decryptor(sk).decrypt(fresh));
    double worst = 0;
    for (int i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(out[i] - values[i]));
    }
    System.out.printf("bootstrapped with keys read back: worst error %.2e (%.1f bits)%n", worst, -Math.log(worst) / Math.log(2));
    assertThat(worst).isLessThan(Math.scalb(1.0, -15));

    assertThatThrownBy(() -> codec.fromBytes(Arrays.copyOf(bytes, bytes.length - 100)))
        .isInstanceOf(HeException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> new EvaluationKeySetCodec(ckks).fromBytes(bytes))
        .isInstanceOf(HeException.class);
  }

  @Test
  void denseToSparseKeyAboveLevelZero_isRefused() {
    var parameters = BootstrappingPresets.insecureForTestingLogN12FiveLevels();
    CkksParameters ckks = parameters.ckks();
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    SecretKey dense = generator.generateSecretKey();
    SecretKey sparse = generator.generateSecretKey(org.homocloud.he.rlwe.SecretDistribution.sparse(32));
    var keys = new org.homocloud.he.ckks.bootstrap.BootstrappingKeys(
        new org.homocloud.he.rlwe.EvaluationKeySet(generator.generateRelinearizationKey(dense, 1), java.util.List.of()),
        generator.generateSwitchingKey(dense, sparse, 1), generator.generateSwitchingKey(sparse, dense, 1));
    BootstrappingKeySetCodec codec = new BootstrappingKeySetCodec(ckks);
    byte[] bytes = codec.toBytes(new BootstrappingKeySet(parameters, keys));

    assertThatThrownBy(() -> codec.fromBytes(bytes)).isInstanceOf(HeException.class)
        .hasMessageContaining("dense-to-sparse key must be made at level 0");
    assertThatThrownBy(() -> codec.check(new ByteArrayInputStream(bytes))).isInstanceOf(HeException.class)
        .hasMessageContaining("level 0");
  }
}
