package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Plaintext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ciphertexts and plaintexts survive the format with their precision, level, scale and slots. */
class CiphertextCodecTest {

  static Stream<String> parameterSets() {
    return SerializationFixture.testSets();
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void publicKeyCiphertext_roundTrip_keepsPrecisionAndMetadata(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    CiphertextCodec codec = new CiphertextCodec(f.parameters);
    double[] v = f.randomValues(1);
    Ciphertext ct = f.encryptPublic(v);

    byte[] bytes = codec.toBytes(ct);
    Ciphertext back = codec.fromBytes(bytes);

    assertThat(bytes).hasSize((int) codec.size(ct));
    assertThat(back.degree()).isEqualTo(1);
    assertThat(back.level()).isEqualTo(ct.level());
    assertThat(back.scale()).isEqualTo(ct.scale());
    assertThat(back.logSlots()).isEqualTo(ct.logSlots());
    assertThat(back.seed()).isEmpty();
    for (int i = 0; i <= ct.degree(); i++) {
      assertThat(back.poly(i).sameResidues(ct.poly(i))).as("c_%d", i).isTrue();
    }
    Precision.check(set, "public-key ciphertext after round trip", v, f.decrypt(back), 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void seededCiphertext_roundTrip_isAboutHalfSize_andReexpandsC1(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    CiphertextCodec codec = new CiphertextCodec(f.parameters);
    double[] v = f.randomValues(2);
    Ciphertext seeded = f.encryptSeeded(v);
    Ciphertext unseeded = seeded.copy();
    unseeded.setSeed(null);

    byte[] seededBytes = codec.toBytes(seeded);
    byte[] fullBytes = codec.toBytes(unseeded);
    Ciphertext back = codec.fromBytes(seededBytes);

    double ratio = (double) seededBytes.length / fullBytes.length;
    System.out.printf("[%s] ciphertext at level %d: %d bytes seeded, %d bytes full (ratio %.3f)%n",
        set, seeded.level(), seededBytes.length, fullBytes.length, ratio);
    assertThat(ratio).isBetween(0.49, 0.52);
    assertThat(back.seed()).isPresent();
    assertThat(back.poly(1).sameResidues(seeded.poly(1))).as("c_1 re-expanded from the seed").isTrue();
    assertThat(codec.toBytes(back)).isEqualTo(seededBytes);
    Precision.check(set, "seeded ciphertext after round trip", v, f.decrypt(back), 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void degreeTwoAndRescaledCiphertexts_roundTrip_keepPrecision(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    CiphertextCodec codec = new CiphertextCodec(f.parameters);
    Evaluator evaluator = new Evaluator(f.parameters, f.evaluationKeys);
    double[] a = f.randomValues(3);
    double[] b = f.randomValues(4);
    double[] product = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      product[i] = a[i] * b[i];
    }
    Ciphertext raw = evaluator.mulNew(f.encryptPublic(a), f.encryptPublic(b));

    Ciphertext rawBack = codec.fromBytes(codec.toBytes(raw));
    assertThat(rawBack.degree()).isEqualTo(2);
    Ciphertext rescaled = evaluator.rescaleNew(evaluator.relinearizeNew(rawBack));
    Ciphertext rescaledBack = codec.fromBytes(codec.toBytes(rescaled));

    assertThat(rescaledBack.level()).isEqualTo(f.parameters.maxLevel() - 1);
    assertThat(rescaledBack.scale()).isEqualTo(rescaled.scale());
    Precision.check(set, "degree 2 -> relinearize -> rescale round trips", product, f.decrypt(rescaledBack), 18);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void plaintext_roundTrip_decodesToTheSameValues(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    PlaintextCodec codec = new PlaintextCodec(f.parameters);
    double[] v = f.randomValues(5);
    Plaintext pt = f.encoder.encode(v);

    byte[] bytes = codec.toBytes(pt);
    Plaintext back = codec.fromBytes(bytes);

    assertThat(bytes).hasSize((int) codec.size(pt));
    assertThat(back.value().sameResidues(pt.value())).isTrue();
    assertThat(back.scale()).isEqualTo(pt.scale());
    Precision.check(set, "plaintext after round trip", v, f.encoder.decodeReal(back), 30);
    Precision.check(set, "plaintext after round trip, encrypted", v,
        f.decrypt(f.publicKeyEncryptor.encrypt(back)), 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void stream_carriesSeveralObjectsBackToBack(String set) throws IOException {
    SerializationFixture f = SerializationFixture.of(set);
    CiphertextCodec codec = new CiphertextCodec(f.parameters);
    double[] a = f.randomValues(6);
    double[] b = f.randomValues(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParametersCodec.write(f.parameters, out);
    codec.write(f.encryptSeeded(a), out);
    codec.write(f.encryptPublic(b), out);

    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    assertThat(ParametersCodec.read(in).fingerprint()).isEqualTo(f.parameters.fingerprint());
    Ciphertext first = codec.read(in);
    Ciphertext second = codec.read(in);

    assertThat(in.available()).isZero();
    Precision.check(set, "first of two streamed ciphertexts", a, f.decrypt(first), 25);
    Precision.check(set, "second of two streamed ciphertexts", b, f.decrypt(second), 25);
  }
}
