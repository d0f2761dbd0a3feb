package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.RelinearizationKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.rlwe.SwitchingKey;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys survive the format: encryption, decryption and evaluation with deserialized keys are correct. */
class KeyCodecTest {

  private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();

  static Stream<String> parameterSets() {
    return SerializationFixture.testSets();
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void publicKey_roundTrip_encryptsForTheSameSecret(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    PublicKeyCodec codec = new PublicKeyCodec(f.parameters);

    byte[] bytes = codec.toBytes(f.publicKey);
    PublicKey back = codec.fromBytes(bytes);

    assertThat(bytes).hasSize((int) codec.size(f.publicKey));
    assertThat(back.b().sameResidues(f.publicKey.b())).isTrue();
    assertThat(back.a().sameResidues(f.publicKey.a())).isTrue();
    double[] v = f.randomValues(10);
    Ciphertext ct = Encryptor.withPublicKey(back).encrypt(f.encoder.encode(v));
    Precision.check(set, "encrypted with deserialized public key", v, f.decrypt(ct), 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void secretKey_roundTrip_decryptsAndTakesTwoBitsPerCoefficient(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    SecretKeyCodec codec = new SecretKeyCodec(f.parameters);

    byte[] bytes = codec.secretKeyToBytes(f.secretKey, ACCESS);
    SecretKey back = codec.secretKeyFromBytes(bytes, ACCESS);

    assertThat(bytes).hasSize(codec.size());
    assertThat(bytes.length - Header.size(ObjectType.SECRET_KEY)).isEqualTo(f.parameters.n() / 4);
    assertThat(back.equalsConstantTime(f.secretKey)).isTrue();
    double[] v = f.randomValues(11);
    Ciphertext ct = f.encryptPublic(v);
    Precision.check(set, "decrypted with deserialized secret key", v,
        f.encoder.decodeReal(new Decryptor(back).decrypt(ct)), 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void secretKey_withoutAccessToken_isRefused(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    SecretKeyCodec codec = new SecretKeyCodec(f.parameters);
    byte[] bytes = codec.secretKeyToBytes(f.secretKey, ACCESS);

    assertThatThrownBy(() -> codec.secretKeyToBytes(f.secretKey, null)).isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> codec.secretKeyFromBytes(bytes, null)).isInstanceOf(SecurityException.class);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void seededSwitchingKeys_areAboutHalfTheFullSize_andReexpandIdentically(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    RelinearizationKeyCodec codec = new RelinearizationKeyCodec(f.parameters);
    RelinearizationKey seeded = f.relinearizationKey;
    RelinearizationKey full = new RelinearizationKey(unseeded(seeded.key()));

    byte[] seededBytes = codec.toBytes(seeded);
    byte[] fullBytes = codec.toBytes(full);
    RelinearizationKey fromSeeded = codec.fromBytes(seededBytes);
    RelinearizationKey fromFull = codec.fromBytes(fullBytes);

    double ratio = (double) seededBytes.length / fullBytes.length;
    System.out.printf("[%s] relinearization key: %d bytes seeded, %d bytes full (ratio %.3f)%n",
        set, seededBytes.length, fullBytes.length, ratio);
    assertThat(ratio).isBetween(0.49, 0.52);
    assertThat(seededBytes).hasSize((int) codec.size(seeded));
    assertThat(fullBytes).hasSize((int) codec.size(full));
    assertSameKey(fromSeeded.key(), seeded.key());
    assertSameKey(fromFull.key(), seeded.key());
    assertThat(fromSeeded.key().seed()).isPresent();
    assertThat(fromFull.key().seed()).isEmpty();
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void galoisAndSwitchingKeys_roundTrip(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    GaloisKeyCodec galoisCodec = new GaloisKeyCodec(f.parameters);
    SwitchingKeyCodec switchingCodec = new SwitchingKeyCodec(f.parameters);
    GaloisKey galois = f.galoisKeys.get(0);
    SwitchingKey between = f.keyGenerator.generateSwitchingKey(f.keyGenerator.generateSecretKey(), f.secretKey);

    GaloisKey galoisBack = galoisCodec.fromBytes(galoisCodec.toBytes(galois));
    SwitchingKey betweenBack = switchingCodec.fromBytes(switchingCodec.toBytes(between));
    SwitchingKey fullBack = switchingCodec.fromBytes(switchingCodec.toBytes(unseeded(between)));

    assertThat(galoisBack.galoisElement()).isEqualTo(galois.galoisElement());
    assertSameKey(galoisBack.key(), galois.key());
    assertSameKey(betweenBack, between);
    assertSameKey(fullBack, between);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void evaluatorWithDeserializedKeySet_multipliesRotatesAndConjugatesCorrectly(String set, @TempDir Path dir)
      throws IOException {
    SerializationFixture f = SerializationFixture.of(set);
    EvaluationKeySetCodec codec = new EvaluationKeySetCodec(f.parameters);
    Path file = dir.resolve("keys.hcks");
    try (OutputStream out = Files.newOutputStream(file)) {
      codec.write(f.evaluationKeys, out);
    }
    EvaluationKeySet keys;
    try (InputStream in = Files.newInputStream(file)) {
      keys = codec.read(in);
      assertThat(in.read()).as("nothing after the key set").isEqualTo(-1);
    }
    assertThat(Files.size(file)).isEqualTo(codec.size(f.evaluationKeys));
    assertThat(keys.galoisKeys().keySet()).isEqualTo(f.evaluationKeys.galoisKeys().keySet());
    System.out.printf("[%s] evaluation key set (relinearization + %d Galois keys, seeded): %d bytes%n",
        set, keys.galoisKeys().size(), Files.size(file));

    Evaluator evaluator = new Evaluator(f.parameters, keys);
    double[] a = f.randomValues(12);
    double[] b = f.randomValues(13);
    Ciphertext ca = f.encryptPublic(a);
    Ciphertext cb = f.encryptPublic(b);
    int slots = a.length;
    double[] product = new double[slots];
    for (int i = 0; i < slots; i++) {
      product[i] = a[i] * b[i];
    }
    Precision.check(set, "mulRelin + rescale, deserialized keys", product,
        f.decrypt(evaluator.rescaleNew(evaluator.mulRelinNew(ca, cb))), 18);
    for (int k : SerializationFixture.ROTATIONS) {
      double[] rotated = new double[slots];
      for (int i = 0; i < slots; i++) {
        rotated[i] = a[Math.floorMod(i + k, slots)];
      }
      Precision.check(set, "rotate " + k + ", deserialized keys", rotated, f.decrypt(evaluator.rotateNew(ca, k)), 22);
    }
    // Real slots: conjugation leaves them unchanged, which checks the key without complex decoding.
    Precision.check(set, "conjugate, deserialized keys", a, f.decrypt(evaluator.conjugateNew(ca)), 22);
    assertThat(keys.galoisKey(Rotations.conjugationElement(f.parameters.logN()))).isPresent();
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void keySetWithoutRelinearizationKey_roundTrips(String set) {
    SerializationFixture f = SerializationFixture.of(set);
    EvaluationKeySetCodec codec = new EvaluationKeySetCodec(f.parameters);
    List<GaloisKey> one = new ArrayList<>(f.galoisKeys.subList(0, 1));
    EvaluationKeySet keys = new EvaluationKeySet(null, one);

    EvaluationKeySet back = codec.fromBytes(codec.toBytes(keys));

    assertThat(back.relinearizationKey()).isEmpty();
    assertThat(back.galoisKeys()).hasSize(1);
    assertThat(codec.toBytes(keys)).hasSize((int) SerializedSize.evaluationKeySet(f.parameters, false, 1, true));
  }

  /** The same key with its a_j written out instead of seeded. */
  static SwitchingKey unseeded(SwitchingKey key) {
    int d = key.digitCount();
    RnsPoly[] bQ = new RnsPoly[d];
    RnsPoly[] bP = new RnsPoly[d];
    RnsPoly[] aQ = new RnsPoly[d];
    RnsPoly[] aP = new RnsPoly[d];
    for (int j = 0; j < d; j++) {
      bQ[j] = key.bQ(j).copy();
      bP[j] = key.bP(j).copy();
      aQ[j] = key.aQ(j).copy();
      aP[j] = key.aP(j).copy();
    }
    return new SwitchingKey(bQ, bP, aQ, aP, null);
  }

  private static void assertSameKey(SwitchingKey actual, SwitchingKey expected) {
    assertThat(actual.digitCount()).isEqualTo(expected.digitCount());
    for (int j = 0; j < expected.digitCount(); j++) {
      assertThat(actual.bQ(j).sameResidues(expected.bQ(j))).as("b_%d over Q", j).isTrue();
      assertThat(actual.bP(j).sameResidues(expected.bP(j))).as("b_%d over P", j).isTrue();
      assertThat(actual.aQ(j).sameResidues(expected.aQ(j))).as("a_%d over Q", j).isTrue();
      assertThat(actual.aP(j).sameResidues(expected.aP(j))).as("a_%d over P", j).isTrue();
    }
  }
}
