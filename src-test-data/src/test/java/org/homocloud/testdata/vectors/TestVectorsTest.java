package org.homocloud.testdata.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that the committed cross-language vectors still mean what their JSON says to the Java
 * engine: valid ones decrypt to the stated precision, malformed ones are refused. With
 * {@code -Dhomocloud.writeVectors=true} it first regenerates them.
 */
class TestVectorsTest {

  private static final Path ROOT = Path.of("src/main/resources/vectors");

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (Boolean.getBoolean("homocloud.writeVectors")) {
      VectorGenerator.generate(ROOT);
    }
  }

  static Stream<VectorSpec> positives() {
    return VectorSpec.all().stream().filter(spec -> !spec.kind().negative());
  }

  static Stream<VectorSpec> negatives() {
    return VectorSpec.all().stream().filter(spec -> spec.kind().negative());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("positives")
  void committedVector_decryptsToStatedPrecision(VectorSpec spec) throws IOException {
    String json = Files.readString(ROOT.resolve(spec.name() + ".json"));
    CkksParameters parameters = ParametersCodec.fromBytes(bytes(json, "parameters"));
    assertThat(parameters.fingerprint()).isEqualTo(VectorSpec.parameters(spec.parameterSet()).fingerprint());
    SecretKey sk = new SecretKeyCodec(parameters)
        .secretKeyFromBytes(bytes(json, "secretKey"), SecretKeyAccess.insecureSecretAccess());
    Ciphertext ct = new CiphertextCodec(parameters).fromBytes(bytes(json, "ciphertext"));
    double[][] decoded = new Encoder(parameters).decode(new Decryptor(sk).decrypt(ct));
    double[][] expected = spec.expected();
    PrecisionStats stats = PrecisionStats.of(expected[0], expected[1], decoded[0], decoded[1]);
    int minBits = Integer.parseInt(field(json, "minPrecisionBits"));
    System.out.printf("%s: %s (stated minimum %d bits)%n", spec.name(), stats, minBits);
    assertThat(stats.minBits()).isGreaterThanOrEqualTo(minBits);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("negatives")
  void negativeVector_isRefused(VectorSpec spec) throws IOException {
    String json = Files.readString(ROOT.resolve(spec.name() + ".json"));
    CkksParameters parameters = ParametersCodec.fromBytes(bytes(json, "parameters"));
    byte[] key = bytes(json, "secretKey");
    byte[] ciphertext = bytes(json, "ciphertext");
    SecretKeyCodec keys = new SecretKeyCodec(parameters);
    switch (spec.kind()) {
      case KEY_FOR_OTHER_PARAMETERS -> assertThatThrownBy(
          () -> keys.secretKeyFromBytes(key, SecretKeyAccess.insecureSecretAccess()))
          .isInstanceOf(HeException.class).hasMessageContaining("other parameters");
      case OTHER_KEY_SAME_PARAMETERS -> {
        SecretKey sk = keys.secretKeyFromBytes(key, SecretKeyAccess.insecureSecretAccess());
        Ciphertext ct = new CiphertextCodec(parameters).fromBytes(ciphertext);
        double[][] decoded = new Encoder(parameters).decode(new Decryptor(sk).decrypt(ct));
        double[][] expected = new VectorSpec("", spec.parameterSet(), VectorSpec.Kind.SECRET_KEY_LEVEL0,
            2, true, 106, null, "").expected();
        assertThat(PrecisionStats.of(expected[0], expected[1], decoded[0], decoded[1]).minBits())
            .isLessThan(0);
      }
      default -> assertThatThrownBy(() -> new CiphertextCodec(parameters).fromBytes(ciphertext))
          .isInstanceOf(HeException.class);
    }
  }

  private static byte[] bytes(String json, String field) throws IOException {
    return Files.readAllBytes(ROOT.resolve(field(json, field)));
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\": \"?([^\",\\n]*)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no field " + name);
    }
    return m.group(1);
  }
}
