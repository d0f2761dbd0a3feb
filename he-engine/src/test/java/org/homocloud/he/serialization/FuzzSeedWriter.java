package org.homocloud.he.serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Regenerates the committed fuzz seeds (valid objects at the tiny parameters, and corrupted
 * variants of each) under src/test/resources. Off by default; run it with
 * {@code -Dhomocloud.writeFuzzSeeds=true -Dtest=FuzzSeedWriter} after a format change.
 */
@EnabledIfSystemProperty(named = "homocloud.writeFuzzSeeds", matches = "true")
class FuzzSeedWriter {

  private static final Path INPUTS = Path.of(
      "src/test/resources/org/homocloud/he/serialization/SerializationFuzzTestInputs");

  @Test
  void writeSeeds() throws IOException {
    SerializationFixture f = SerializationFixture.of(SerializationFixture.INSECURE_TINY);
    SecretKeyAccess access = SecretKeyAccess.insecureSecretAccess();
    CiphertextCodec ciphertexts = new CiphertextCodec(f.parameters);
    Ciphertext seeded = f.encryptSeeded(f.randomValues(1));
    Ciphertext full = f.encryptPublic(f.randomValues(2));
    RelinearizationKeyCodec relinearization = new RelinearizationKeyCodec(f.parameters);
    GaloisKeyCodec galois = new GaloisKeyCodec(f.parameters);
    SwitchingKeyCodec switching = new SwitchingKeyCodec(f.parameters);
    EvaluationKeySetCodec keySets = new EvaluationKeySetCodec(f.parameters);

    write("parametersReader", Map.of(
        "valid", ParametersCodec.toBytes(f.parameters),
        "valid-logN10", ParametersCodec.toBytes(SerializationFixture.parameters(SerializationFixture.INSECURE_LOGN10))));
    write("plaintextReader", Map.of("valid", new PlaintextCodec(f.parameters).toBytes(f.encoder.encode(f.randomValues(3)))));
    write("ciphertextReader", Map.of(
        "valid-seeded", ciphertexts.toBytes(seeded),
        "valid-full", ciphertexts.toBytes(full),
        "valid-degree2", ciphertexts.toBytes(new org.homocloud.he.ckks.Evaluator(f.parameters, null).mulNew(full, full))));
    write("ciphertextStreamReader", Map.of(
        "valid-seeded-chunk-7", withChunkByte(ciphertexts.toBytes(seeded), 6),
        "valid-full-chunk-64", withChunkByte(ciphertexts.toBytes(full), 63),
        "two-objects-chunk-3", withChunkByte(concat(ciphertexts.toBytes(seeded), ciphertexts.toBytes(full)), 2)));
    write("publicKeyReader", Map.of("valid", new PublicKeyCodec(f.parameters).toBytes(f.publicKey)));
    write("secretKeyReader", Map.of("valid", new SecretKeyCodec(f.parameters).secretKeyToBytes(f.secretKey, access)));
    write("switchingKeyReader", Map.of(
        "valid-seeded", switching.toBytes(f.relinearizationKey.key()),
        "valid-full", switching.toBytes(KeyCodecTest.unseeded(f.relinearizationKey.key()))));
    write("relinearizationKeyReader", Map.of("valid-seeded", relinearization.toBytes(f.relinearizationKey)));
    write("galoisKeyReader", Map.of(
        "valid-seeded", galois.toBytes(f.galoisKeys.get(0)),
        "valid-full", galois.toBytes(new org.homocloud.he.rlwe.GaloisKey(
            f.galoisKeys.get(1).galoisElement(), KeyCodecTest.unseeded(f.galoisKeys.get(1).key())))));
    write("evaluationKeySetReader", Map.of(
        "valid", keySets.toBytes(f.evaluationKeys),
        "valid-galois-only", keySets.toBytes(new EvaluationKeySet(null, f.galoisKeys.subList(1, 3)))));
  }

  /** Writes each valid seed and its corrupted variants into the method's inputs directory. */
  private static void write(String method, Map<String, byte[]> valid) throws IOException {
    Path dir = INPUTS.resolve(method);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : valid.entrySet()) {
      for (Map.Entry<String, byte[]> variant : variants(e.getValue()).entrySet()) {
        Files.write(dir.resolve(e.getKey() + variant.getKey()), variant.getValue());
      }
    }
  }

  private static Map<String, byte[]> variants(byte[] valid) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("", valid);
    out.put("-truncated", Arrays.copyOf(valid, valid.length / 2));
    out.put("-trailing-byte", Arrays.copyOf(valid, valid.length + 1));
    out.put("-bad-magic", with(valid, 0, 'X'));
    out.put("-version-2", with(valid, 5, 2));
    out.put("-unknown-type", with(valid, 6, 99));
    out.put("-byte-after-header-ff", with(valid, Math.min(23, valid.length - 1), 0xFF));
    out.put("-last-byte-ff", with(valid, valid.length - 1, 0xFF));
    if (valid.length > 40) {
      out.put("-body-ff", ffRun(valid, valid.length / 2, 16));
      out.put("-byte-7-flipped", with(valid, 7, valid[7] ^ 1)); // fingerprint, or logN for parameters
    }
    return out;
  }

  /** The stream target's input: the bytes, then one byte the fuzzed data provider reads as the chunk size. */
  private static byte[] withChunkByte(byte[] bytes, int chunkMinusOne) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = (byte) chunkMinusOne;
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] with(byte[] bytes, int offset, int value) {
    byte[] copy = bytes.clone();
    copy[offset] = (byte) value;
    return copy;
  }

  private static byte[] ffRun(byte[] bytes, int offset, int length) {
    byte[] copy = bytes.clone();
    Arrays.fill(copy, offset, offset + length, (byte) 0xFF);
    return copy;
  }
}
