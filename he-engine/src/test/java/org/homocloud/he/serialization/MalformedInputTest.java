package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.junit.jupiter.api.Test;

/**
 * Every rule a reader enforces, one corruption at a time: each must fail with {@link HeException}
 * and a message that says what was wrong (never an index, size or memory error).
 */
class MalformedInputTest {

  /** Offsets in a ciphertext: header, then degree, level, logSlots, scale, form, [seed], polys. */
  private static final int DEGREE = 23;
  private static final int LEVEL = 24;
  private static final int LOG_SLOTS = 25;
  private static final int SCALE = 26;
  private static final int FORM = 34;
  private static final int FULL_POLYS = 35;
  private static final int SEEDED_POLYS = 35 + 32;

  private final SerializationFixture f = SerializationFixture.of(SerializationFixture.INSECURE_LOGN10);
  private final SerializationFixture tiny = SerializationFixture.of(SerializationFixture.INSECURE_TINY);
  private final CiphertextCodec ciphertexts = new CiphertextCodec(f.parameters);

  private byte[] fullCiphertext() {
    return ciphertexts.toBytes(f.encryptPublic(f.randomValues(1)));
  }

  private byte[] seededCiphertext() {
    return ciphertexts.toBytes(f.encryptSeeded(f.randomValues(1)));
  }

  private static byte[] with(byte[] bytes, int offset, int... values) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < values.length; i++) {
      copy[offset + i] = (byte) values[i];
    }
    return copy;
  }

  private static byte[] withScale(byte[] bytes, double scale) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).putDouble(SCALE, scale);
    return copy;
  }

  private AbstractThrowableAssert<?, ? extends Throwable> rejectsCiphertext(byte[] bytes) {
    return assertThatThrownBy(() -> ciphertexts.fromBytes(bytes)).isExactlyInstanceOf(HeException.class);
  }

  // ------------------------------------------------------------------ header

  @Test
  void wrongMagic_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), 0, 'P', 'K')).hasMessageContaining("magic bytes \"HCKS\"");
  }

  @Test
  void unknownVersion_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), 4, 0, 2)).hasMessageContaining("unknown format version 2");
    rejectsCiphertext(with(fullCiphertext(), 4, 0, 0)).hasMessageContaining("unknown format version 0");
  }

  @Test
  void wrongObjectType_isRejected() {
    byte[] plaintext = new PlaintextCodec(f.parameters).toBytes(f.encoder.encode(f.randomValues(2)));
    rejectsCiphertext(plaintext).hasMessageContaining("expected a ciphertext but the input holds a plaintext");
    rejectsCiphertext(with(fullCiphertext(), 6, 200)).hasMessageContaining("unknown object type tag 200");
  }

  @Test
  void otherParameters_areRejectedByFingerprint() {
    CiphertextCodec other = new CiphertextCodec(CkksPresets.insecureForTestingLogN12());
    byte[] bytes = fullCiphertext();
    assertThatThrownBy(() -> other.fromBytes(bytes)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("ciphertext was made under other parameters");
    byte[] key = new PublicKeyCodec(f.parameters).toBytes(f.publicKey);
    assertThatThrownBy(() -> new PublicKeyCodec(tiny.parameters).fromBytes(key)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("public key was made under other parameters");
  }

  // ------------------------------------------------------------------ lengths and ranges

  @Test
  void levelOutOfRange_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), LEVEL, f.parameters.maxLevel() + 1))
        .hasMessageContaining("level 5 is out of range [0, 4]");
    rejectsCiphertext(with(fullCiphertext(), LEVEL, 255)).hasMessageContaining("level 255 is out of range");
  }

  @Test
  void levelThatDisagreesWithTheData_isRejected() {
    // Limb boundaries shift, so the reader trips over an out-of-range residue or trailing bytes.
    rejectsCiphertext(with(fullCiphertext(), LEVEL, 3));
  }

  @Test
  void degreeOutOfRange_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), DEGREE, 0)).hasMessageContaining("degree 0 is out of range [1, 2]");
    rejectsCiphertext(with(fullCiphertext(), DEGREE, 3)).hasMessageContaining("degree 3 is out of range [1, 2]");
  }

  @Test
  void seededCiphertextOfDegreeTwo_isRejected() {
    rejectsCiphertext(with(seededCiphertext(), DEGREE, 2)).hasMessageContaining("seeded ciphertext has degree 1");
  }

  @Test
  void unknownForm_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), FORM, 2)).hasMessageContaining("form byte 2");
  }

  @Test
  void logSlotsOutOfRange_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), LOG_SLOTS, 10)).hasMessageContaining("logSlots 10 is out of range [0, 9]");
  }

  @Test
  void nonFiniteOrNonPositiveScale_isRejected() {
    for (double scale : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.0}) {
      rejectsCiphertext(withScale(fullCiphertext(), scale)).hasMessageContaining("must be finite and positive");
    }
    byte[] plaintext = new PlaintextCodec(f.parameters).toBytes(f.encoder.encode(f.randomValues(3)));
    ByteBuffer.wrap(plaintext).putDouble(25, Double.NaN);
    assertThatThrownBy(() -> new PlaintextCodec(f.parameters).fromBytes(plaintext))
        .isExactlyInstanceOf(HeException.class).hasMessageContaining("plaintext scale NaN");
  }

  @Test
  void everyTruncation_isRejected() {
    CiphertextCodec codec = new CiphertextCodec(tiny.parameters);
    byte[] seeded = codec.toBytes(tiny.encryptSeeded(tiny.randomValues(4)));
    byte[] full = codec.toBytes(tiny.encryptPublic(tiny.randomValues(4)));
    for (byte[] bytes : new byte[][] {seeded, full}) {
      for (int length = 0; length < bytes.length; length++) {
        byte[] prefix = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> codec.fromBytes(prefix)).as("prefix of %d bytes", length)
            .isExactlyInstanceOf(HeException.class).hasMessageContaining("truncated input");
      }
    }
    byte[] keys = new EvaluationKeySetCodec(tiny.parameters).toBytes(tiny.evaluationKeys);
    for (int length = 0; length < keys.length; length += 7) {
      byte[] prefix = Arrays.copyOf(keys, length);
      assertThatThrownBy(() -> new EvaluationKeySetCodec(tiny.parameters).fromBytes(prefix))
          .isExactlyInstanceOf(HeException.class).hasMessageContaining("truncated input");
    }
  }

  @Test
  void trailingBytes_areRejected() {
    byte[] bytes = fullCiphertext();
    rejectsCiphertext(Arrays.copyOf(bytes, bytes.length + 1))
        .hasMessageContaining("trailing bytes: 1 bytes follow the end of the ciphertext");
  }

  @Test
  void residueNotBelowItsPrime_isRejected() {
    rejectsCiphertext(with(fullCiphertext(), FULL_POLYS, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))
        .hasMessageContaining("ciphertext c_0 limb 0 coefficient 0").hasMessageContaining("not below its prime");
    rejectsCiphertext(with(seededCiphertext(), SEEDED_POLYS, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))
        .hasMessageContaining("not below its prime");
    byte[] key = new RelinearizationKeyCodec(f.parameters).toBytes(f.relinearizationKey);
    // Header, digit count, form and seed, then b_0 over Q.
    byte[] corrupted = with(key, 23 + 2 + 1 + 32, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    assertThatThrownBy(() -> new RelinearizationKeyCodec(f.parameters).fromBytes(corrupted))
        .isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("relinearization key digit 0 b over Q limb 0 coefficient 0");
  }

  @Test
  void nonTernarySecretCoefficient_isRejected() {
    SecretKeyCodec codec = new SecretKeyCodec(f.parameters);
    SecretKeyAccess access = SecretKeyAccess.insecureSecretAccess();
    byte[] bytes = codec.secretKeyToBytes(f.secretKey, access);
    bytes[23] = (byte) ((bytes[23] & 0x3F) | 0x80);
    assertThatThrownBy(() -> codec.secretKeyFromBytes(bytes, access)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("secret key coefficient 0 has code 10, which is not ternary");
  }

  // ------------------------------------------------------------------ keys

  @Test
  void wrongDigitCount_isRejected() {
    byte[] key = new RelinearizationKeyCodec(f.parameters).toBytes(f.relinearizationKey);
    assertThatThrownBy(() -> new RelinearizationKeyCodec(f.parameters).fromBytes(with(key, 23, 0xFF, 0xFF)))
        .isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("relinearization key has 65535 digits, these parameters use 3");
  }

  @Test
  void badGaloisElement_isRejected() {
    GaloisKeyCodec codec = new GaloisKeyCodec(f.parameters);
    byte[] key = codec.toBytes(f.galoisKeys.get(0));
    for (long element : new long[] {0, 4, 2048, 2049, -1}) {
      byte[] bad = key.clone();
      ByteBuffer.wrap(bad).putLong(23, element);
      assertThatThrownBy(() -> codec.fromBytes(bad)).isExactlyInstanceOf(HeException.class)
          .hasMessageContaining("is not an odd number in [1, 2048)");
    }
  }

  @Test
  void galoisKeysOutOfOrderOrRepeated_areRejected() {
    EvaluationKeySetCodec codec = new EvaluationKeySetCodec(tiny.parameters);
    GaloisKeyCodec galois = new GaloisKeyCodec(tiny.parameters);
    byte[] set = codec.toBytes(new EvaluationKeySet(null, tiny.galoisKeys.subList(0, 1)));
    byte[] one = galois.toBytes(tiny.galoisKeys.get(0));
    byte[] other = galois.toBytes(tiny.galoisKeys.get(1));
    long first = tiny.galoisKeys.get(0).galoisElement();
    long second = tiny.galoisKeys.get(1).galoisElement();
    byte[] high = first > second ? one : other;
    byte[] low = first > second ? other : one;

    byte[] repeated = keySet(set, 2, low, low);
    byte[] descending = keySet(set, 2, high, low);
    assertThatThrownBy(() -> codec.fromBytes(repeated)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> codec.fromBytes(descending)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("strictly ascending");
    assertThat(codec.fromBytes(keySet(set, 2, low, high)).galoisKeys()).hasSize(2);
  }

  /** A key set without relinearization key holding the given Galois keys' bodies. */
  private static byte[] keySet(byte[] template, long count, byte[]... galoisKeys) {
    ByteBuffer out = ByteBuffer.allocate(23 + 5 + Arrays.stream(galoisKeys).mapToInt(k -> k.length - 23).sum());
    out.put(template, 0, 23).put((byte) 0).putInt((int) count);
    for (byte[] key : galoisKeys) {
      out.put(key, 23, key.length - 23);
    }
    return out.array();
  }

  @Test
  void keySetCountAndFlags_areBounded() {
    EvaluationKeySetCodec codec = new EvaluationKeySetCodec(tiny.parameters);
    byte[] set = codec.toBytes(tiny.evaluationKeys);
    assertThatThrownBy(() -> codec.fromBytes(with(set, 24, 0xFF, 0xFF, 0xFF, 0xFF)))
        .isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("claims 4294967295 Galois keys; there are only 32");
    assertThatThrownBy(() -> codec.fromBytes(with(set, 23, 3))).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("flags 3 use undefined bits");
  }

  // ------------------------------------------------------------------ parameters

  @Test
  void malformedParameters_areRejected() {
    byte[] bytes = ParametersCodec.toBytes(tiny.parameters);
    // Layout: header (7), logN, |Q|, q_0 q_1, |P|, p_0, primes per digit, sigma, h, insecure, log scale, logSlots.
    int qCount = 8;
    int firstQ = 9;
    int insecure = 9 + 8 + 8 + 1 + 8 + 1 + 8 + 4;
    assertParametersRejected(with(bytes, qCount, 0), "Q prime count 0 is out of range [1, 64]");
    assertParametersRejected(with(bytes, qCount, 65), "Q prime count 65 is out of range [1, 64]");
    assertParametersRejected(with(bytes, firstQ, 0, 0, 0, 0, 0, 0, 0, 65), "65 is not prime");
    assertParametersRejected(with(bytes, insecure, 2), "insecure-for-testing flag is 2");
    assertParametersRejected(with(bytes, insecure, 0), "below 128-bit security");
    assertParametersRejected(with(bytes, 7, 0), "logN must be in [3, 17]");
    assertParametersRejected(with(bytes, insecure - 4, 0, 0, 1, 0), "Hamming weight 256 exceeds N");
    byte[] nanSigma = bytes.clone();
    ByteBuffer.wrap(nanSigma).putDouble(insecure - 12, Double.NaN);
    assertParametersRejected(nanSigma, "sigma must be in [1, 64]: NaN");
    assertParametersRejected(Arrays.copyOf(bytes, bytes.length - 1), "truncated input");
    assertParametersRejected(Arrays.copyOf(bytes, bytes.length + 1), "trailing bytes");
  }

  private static void assertParametersRejected(byte[] bytes, String message) {
    assertThatThrownBy(() -> ParametersCodec.fromBytes(bytes)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining(message);
  }

  // ------------------------------------------------------------------ writers

  @Test
  void writers_refuseWhatReadersWouldReject() {
    Ciphertext ct = f.encryptPublic(f.randomValues(5));
    Ciphertext nanScale = ct.copy();
    nanScale.setScale(Double.NaN);
    assertThatThrownBy(() -> ciphertexts.toBytes(nanScale)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("scale NaN must be finite and positive");
    Ciphertext outOfRange = ct.copy();
    outOfRange.poly(0).limb(0)[7] = f.parameters.rlwe().qPrimes().get(0);
    assertThatThrownBy(() -> ciphertexts.toBytes(outOfRange)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("cannot write ciphertext c_0: limb 0 coefficient 7");
    assertThatThrownBy(() -> new CiphertextCodec(tiny.parameters).toBytes(ct)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("level 4 is out of range [0, 1]");
    assertThatThrownBy(() -> new PublicKeyCodec(tiny.parameters).toBytes(f.publicKey))
        .isExactlyInstanceOf(HeException.class).hasMessageContaining("made under other parameters");
  }

  @Test
  void nullAndEmptyInputs_areRejected() {
    rejectsCiphertext(null).hasMessageContaining("from null");
    rejectsCiphertext(new byte[0]).hasMessageContaining("truncated input");
    CkksParameters p = f.parameters;
    assertThatThrownBy(() -> new CiphertextCodec(null)).isExactlyInstanceOf(HeException.class);
    assertThat(p).isNotNull();
  }
}
