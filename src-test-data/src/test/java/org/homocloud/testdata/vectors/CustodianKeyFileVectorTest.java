package org.homocloud.testdata.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.homocloud.fhir.keys.custody.Argon2Cost;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.KeyFileException;
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The custodian key-file vectors the SMART app's key loader reads (smart-app/test/keys): the
 * committed logN 14 and logN 10 test keys of this folder, each wrapped by {@link CustodianKeyFile}
 * under a published test passphrase at {@link Argon2Cost#insecureForTesting()}. With
 * {@code -Dhomocloud.writeKeyFileVectors=true} it first rewrites them (fresh salt and nonce); without,
 * it checks that the committed files still open to the committed keys.
 *
 * <p>TEST KEYS, published on purpose: never use them, or anything encrypted under them, for real data.
 */
class CustodianKeyFileVectorTest {

  private static final Path ROOT = Path.of("src/main/resources/vectors");
  private static final Path FILES = ROOT.resolve("key-files");
  /** Published with the vectors; the file names say "test key". */
  static final String PASSPHRASE = "homocloud test passphrase: not a real key";
  private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();

  private record Vector(String set, String keySetId) {
    Path file() {
      return FILES.resolve(set + "-test-key.hckf");
    }
  }

  private static final Vector[] VECTORS = {
      new Vector("logn14", "test-key-logn14"),
      new Vector("insecure-logn10", "test-key-insecure-logn10"),
  };

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (!Boolean.getBoolean("homocloud.writeKeyFileVectors")) {
      return;
    }
    Files.createDirectories(FILES);
    for (Vector v : VECTORS) {
      CkksParameters parameters = parameters(v.set());
      SecretKey key = secretKey(v.set(), parameters);
      Files.deleteIfExists(v.file());
      PassphraseWrapper wrapper = new PassphraseWrapper(PASSPHRASE.toCharArray(), Argon2Cost.insecureForTesting());
      CustodianKeyFile.write(v.file(), v.keySetId(), key, parameters, wrapper, ACCESS);
      wrapper.destroy();
    }
  }

  @Test
  void committedKeyFiles_openWithTheTestPassphrase_toTheCommittedKeys() throws IOException {
    for (Vector v : VECTORS) {
      CkksParameters parameters = parameters(v.set());
      CustodianKeyFile.Header header = CustodianKeyFile.readHeader(v.file());
      assertThat(header.keySetId()).isEqualTo(v.keySetId());
      assertThat(header.parametersFingerprint()).isEqualTo(parameters.fingerprint());
      SecretKey opened = CustodianKeyFile.read(v.file(), parameters,
          new PassphraseWrapper(PASSPHRASE.toCharArray(), Argon2Cost.insecureForTesting()), ACCESS);
      SecretKeyCodec codec = new SecretKeyCodec(parameters);
      assertThat(codec.secretKeyToBytes(opened, ACCESS))
          .isEqualTo(Files.readAllBytes(ROOT.resolve(v.set()).resolve("secret-key.bin")));
    }
  }

  @Test
  void committedKeyFile_refusesAnotherPassphrase() {
    Vector v = VECTORS[0];
    assertThatThrownBy(() -> CustodianKeyFile.read(v.file(), parameters(v.set()),
        new PassphraseWrapper("not the passphrase".toCharArray(), Argon2Cost.insecureForTesting()), ACCESS))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("wrong passphrase or corrupted key file");
  }

  private static CkksParameters parameters(String set) throws IOException {
    return ParametersCodec.fromBytes(Files.readAllBytes(ROOT.resolve(set).resolve("parameters.bin")));
  }

  private static SecretKey secretKey(String set, CkksParameters parameters) throws IOException {
    return new SecretKeyCodec(parameters)
        .secretKeyFromBytes(Files.readAllBytes(ROOT.resolve(set).resolve("secret-key.bin")), ACCESS);
  }

}
