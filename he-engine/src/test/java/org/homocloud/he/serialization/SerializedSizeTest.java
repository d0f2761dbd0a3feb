package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The size function agrees with what the codecs write, and residues take their primes' bit widths. */
class SerializedSizeTest {

  @Test
  void sizeFunction_matchesWrittenLengths_forEveryType() {
    SerializationFixture f = SerializationFixture.of(SerializationFixture.INSECURE_LOGN10);
    CkksParameters p = f.parameters;
    Ciphertext seeded = f.encryptSeeded(f.randomValues(1));
    Ciphertext full = f.encryptPublic(f.randomValues(1));
    Ciphertext degree2 = new Evaluator(p, f.evaluationKeys).mulNew(full, full);
    Ciphertext lower = new Evaluator(p, f.evaluationKeys).dropLevelNew(full, 2);
    CiphertextCodec ciphertexts = new CiphertextCodec(p);

    assertThat(ciphertexts.toBytes(seeded)).hasSize((int) SerializedSize.ciphertext(p, 1, p.maxLevel(), true));
    assertThat(ciphertexts.toBytes(full)).hasSize((int) SerializedSize.ciphertext(p, 1, p.maxLevel(), false));
    assertThat(ciphertexts.toBytes(degree2)).hasSize((int) SerializedSize.ciphertext(p, 2, p.maxLevel(), false));
    assertThat(ciphertexts.toBytes(lower)).hasSize((int) SerializedSize.ciphertext(p, 1, p.maxLevel() - 2, false));
    assertThat(new PlaintextCodec(p).toBytes(f.encoder.encode(f.randomValues(2))))
        .hasSize((int) SerializedSize.plaintext(p, p.maxLevel()));
    assertThat(new PublicKeyCodec(p).toBytes(f.publicKey)).hasSize((int) SerializedSize.publicKey(p));
    assertThat(new SecretKeyCodec(p).secretKeyToBytes(f.secretKey, SecretKeyAccess.insecureSecretAccess()))
        .hasSize((int) SerializedSize.secretKey(p));
    assertThat(new RelinearizationKeyCodec(p).toBytes(f.relinearizationKey))
        .hasSize((int) SerializedSize.relinearizationKey(p, true));
    assertThat(new GaloisKeyCodec(p).toBytes(f.galoisKeys.get(0))).hasSize((int) SerializedSize.galoisKey(p, true));
    assertThat(new SwitchingKeyCodec(p).toBytes(f.relinearizationKey.key()))
        .hasSize((int) SerializedSize.switchingKey(p, true));
    EvaluationKeySet keys = f.evaluationKeys;
    assertThat(new EvaluationKeySetCodec(p).toBytes(keys))
        .hasSize((int) SerializedSize.evaluationKeySet(p, true, keys.galoisKeys().size(), true));
    assertThat(ParametersCodec.toBytes(p)).hasSize((int) SerializedSize.parameters(p));
  }

  @Test
  void residues_arePackedAtTheirPrimesBitWidths() {
    CkksParameters p = CkksPresets.insecureForTestingLogN10();
    long bitsPerCoefficient = 0;
    for (long q : p.rlwe().qPrimes()) {
      bitsPerCoefficient += 64 - Long.numberOfLeadingZeros(q);
    }
    long polyBytes = bitsPerCoefficient * p.n() / 8;
    assertThat(SerializedSize.ciphertext(p, 1, p.maxLevel(), false)).isEqualTo(23 + 12 + 2 * polyBytes);
    assertThat(SerializedSize.ciphertext(p, 1, p.maxLevel(), true)).isEqualTo(23 + 12 + 32 + polyBytes);
  }

  /** Secure-size ciphertexts, serialized for real; the figures the benchmarks quote. */
  @Tag("slow")
  @ParameterizedTest
  @ValueSource(ints = {14, 16})
  void secureSizeCiphertexts_sizesAtTopLevel(int logN) {
    CkksParameters p = logN == 14 ? CkksPresets.logN14() : CkksPresets.logN16();
    KeyGenerator keyGenerator = new KeyGenerator(p.rlwe());
    SecretKey sk = keyGenerator.generateSecretKey();
    Encoder encoder = new Encoder(p);
    double[] values = new double[p.slots()];
    java.util.Arrays.fill(values, 0.5);
    CiphertextCodec codec = new CiphertextCodec(p);
    Ciphertext seeded = Encryptor.withSecretKey(sk).encrypt(encoder.encode(values));
    Ciphertext full = Encryptor.withPublicKey(keyGenerator.generatePublicKey(sk)).encrypt(encoder.encode(values));

    long start = System.nanoTime();
    byte[] fullBytes = codec.toBytes(full);
    long written = System.nanoTime();
    Ciphertext back = codec.fromBytes(fullBytes);
    long read = System.nanoTime();
    byte[] seededBytes = codec.toBytes(seeded);

    System.out.printf("logN %d, %d primes: ciphertext at top level %d bytes full, %d bytes seeded "
            + "(unpacked 64-bit words: %d); write %.1f ms, read %.1f ms%n",
        logN, p.maxLevel() + 1, fullBytes.length, seededBytes.length, 2L * 8 * p.n() * (p.maxLevel() + 1),
        (written - start) / 1e6, (read - written) / 1e6);
    assertThat(fullBytes).hasSize((int) SerializedSize.ciphertext(p, 1, p.maxLevel(), false));
    assertThat(seededBytes).hasSize((int) SerializedSize.ciphertext(p, 1, p.maxLevel(), true));
    assertThat(back.poly(0).sameResidues(full.poly(0))).isTrue();
  }
}
