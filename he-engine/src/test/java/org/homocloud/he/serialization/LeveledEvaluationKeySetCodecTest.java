package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.Test;

/** Tag 11, evaluation keys made only as tall as they are used, at the INSECURE logN 10 test preset. */
class LeveledEvaluationKeySetCodecTest {

  @Test
  void roundTrip_keepsEachKeysLevel_isSmallerThanFullHeight_andTheKeysReadBackMultiplyAndRotate() throws Exception {
    CkksParameters parameters = CkksPresets.insecureForTestingLogN10();
    KeyGenerator generator = new KeyGenerator(parameters.rlwe());
    SecretKey sk = generator.generateSecretKey();
    int level = 2;
    EvaluationKeySet keys = new EvaluationKeySet(generator.generateRelinearizationKey(sk, level), List.of(
        generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), 1), level),
        generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), 4), 1)));
    LeveledEvaluationKeySetCodec codec = new LeveledEvaluationKeySetCodec(parameters);

    byte[] bytes = codec.toBytes(keys);
    assertThat((long) bytes.length).isEqualTo(codec.size(keys));
    EvaluationKeySet read = codec.fromBytes(bytes);
    assertThat(codec.toBytes(read)).isEqualTo(bytes);
    assertThat(read.relinearizationKey().orElseThrow().key().bQ(0).limbCount()).isEqualTo(level + 1);
    assertThat(read.galoisKey(Rotations.galoisElement(parameters.logN(), 4)).orElseThrow().key().bQ(0).limbCount())
        .isEqualTo(2);
    LeveledEvaluationKeySetCodec.Summary summary = codec.check(new ByteArrayInputStream(bytes));
    assertThat(summary.relinearizationKey()).isTrue();
    assertThat(summary.galoisElements()).containsExactlyElementsOf(keys.galoisKeys().keySet());
    EvaluationKeySet full = new EvaluationKeySet(generator.generateRelinearizationKey(sk), List.of(
        generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), 1)),
        generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), 4))));
    long fullBytes = new EvaluationKeySetCodec(parameters).size(full);
    System.out.printf("leveled evaluation keys: %d bytes, full height %d%n", bytes.length, fullBytes);
    assertThat((long) bytes.length).isLessThan(fullBytes);

    Encoder encoder = new Encoder(parameters);
    double[] a = new Random(5).doubles(parameters.slots(), -1, 1).toArray();
    Ciphertext ct = Encryptor.withPublicKey(generator.generatePublicKey(sk))
        .encrypt(encoder.encode(a, null, parameters.logSlots(), level, parameters.defaultScale()));
    Evaluator evaluator = new Evaluator(parameters, read);
    Ciphertext out = evaluator.rotateNew(evaluator.rescaleNew(evaluator.mulRelinNew(ct, ct)), 1);
    double[] decoded = encoder.decodeReal(new Decryptor(sk).decrypt(out));
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double expected = a[(i + 1) % a.length] * a[(i + 1) % a.length];
      worst = Math.max(worst, Math.abs(decoded[i] - expected));
    }
    assertThat(worst).isLessThan(1e-4);

    assertThatThrownBy(() -> codec.fromBytes(Arrays.copyOf(bytes, bytes.length - 10)))
        .isInstanceOf(HeException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> new EvaluationKeySetCodec(parameters).fromBytes(bytes)).isInstanceOf(HeException.class);
  }
}
