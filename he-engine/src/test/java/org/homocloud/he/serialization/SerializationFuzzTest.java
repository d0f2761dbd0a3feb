package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Function;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.SecretKeyAccess;

/**
 * Fuzz tests of every reader. In the default test run Jazzer replays the committed seeds under
 * {@code SerializationFuzzTestInputs/<method>/} (valid objects and corrupted variants, written by
 * {@link FuzzSeedWriter}); with {@code JAZZER_FUZZ=1} it fuzzes one method per run.
 *
 * <p>The property: a reader either rejects its input with {@link HeException} or accepts it, and
 * whatever it accepts writes back to exactly the same bytes (the format is canonical). Any other
 * exception, an out-of-memory error included, is a bug.
 */
class SerializationFuzzTest {

  /** The tiny insecure set: whole keys fit in a few kilobytes, so the fuzzer reaches every field. */
  static final CkksParameters PARAMETERS = SerializationFixture.tiny();

  private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();
  private static final PlaintextCodec PLAINTEXTS = new PlaintextCodec(PARAMETERS);
  private static final CiphertextCodec CIPHERTEXTS = new CiphertextCodec(PARAMETERS);
  private static final PublicKeyCodec PUBLIC_KEYS = new PublicKeyCodec(PARAMETERS);
  private static final SecretKeyCodec SECRET_KEYS = new SecretKeyCodec(PARAMETERS);
  private static final SwitchingKeyCodec SWITCHING_KEYS = new SwitchingKeyCodec(PARAMETERS);
  private static final RelinearizationKeyCodec RELINEARIZATION_KEYS = new RelinearizationKeyCodec(PARAMETERS);
  private static final GaloisKeyCodec GALOIS_KEYS = new GaloisKeyCodec(PARAMETERS);
  private static final EvaluationKeySetCodec KEY_SETS = new EvaluationKeySetCodec(PARAMETERS);

  @FuzzTest(maxDuration = "3m")
  void parametersReader(byte[] data) {
    readAndRewrite(data, ParametersCodec::fromBytes, ParametersCodec::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void plaintextReader(byte[] data) {
    readAndRewrite(data, PLAINTEXTS::fromBytes, PLAINTEXTS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void ciphertextReader(byte[] data) {
    readAndRewrite(data, CIPHERTEXTS::fromBytes, CIPHERTEXTS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void publicKeyReader(byte[] data) {
    readAndRewrite(data, PUBLIC_KEYS::fromBytes, PUBLIC_KEYS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void secretKeyReader(byte[] data) {
    readAndRewrite(data,
        bytes -> SECRET_KEYS.secretKeyFromBytes(bytes, ACCESS),
        sk -> SECRET_KEYS.secretKeyToBytes(sk, ACCESS));
  }

  @FuzzTest(maxDuration = "3m")
  void switchingKeyReader(byte[] data) {
    readAndRewrite(data, SWITCHING_KEYS::fromBytes, SWITCHING_KEYS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void relinearizationKeyReader(byte[] data) {
    readAndRewrite(data, RELINEARIZATION_KEYS::fromBytes, RELINEARIZATION_KEYS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void galoisKeyReader(byte[] data) {
    readAndRewrite(data, GALOIS_KEYS::fromBytes, GALOIS_KEYS::toBytes);
  }

  @FuzzTest(maxDuration = "3m")
  void evaluationKeySetReader(byte[] data) {
    readAndRewrite(data, KEY_SETS::fromBytes, KEY_SETS::toBytes);
  }

  /**
   * The stream form, over a stream that hands out at most a few bytes per read: a reader must
   * consume exactly one object, however the bytes arrive, and leave the rest of the stream.
   * Input: the bytes, then one trailing byte choosing the chunk size.
   */
  @FuzzTest(maxDuration = "3m")
  void ciphertextStreamReader(FuzzedDataProvider input) throws IOException {
    int chunk = input.consumeInt(1, 64);
    byte[] data = input.consumeRemainingAsBytes();
    ByteArrayInputStream source = new ByteArrayInputStream(data);
    InputStream trickle = new InputStream() {
      @Override
      public int read() {
        return source.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return source.read(b, off, Math.min(len, chunk));
      }
    };
    Ciphertext ct;
    try {
      ct = CIPHERTEXTS.read(trickle);
    } catch (HeException rejected) {
      return;
    }
    int consumed = data.length - source.available();
    assertThat(CIPHERTEXTS.toBytes(ct)).as("accepted prefix written back").isEqualTo(Arrays.copyOf(data, consumed));
  }

  private static <T> void readAndRewrite(byte[] data, Function<byte[], T> read, Function<T, byte[]> write) {
    T value;
    try {
      value = read.apply(data);
    } catch (HeException rejected) {
      return; // The one allowed failure; anything else propagates and is a finding.
    }
    assertThat(write.apply(value)).as("accepted input written back").isEqualTo(data);
  }
}
