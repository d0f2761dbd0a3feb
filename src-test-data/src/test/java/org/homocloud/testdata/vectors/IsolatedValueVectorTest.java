package org.homocloud.testdata.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.StorageLevel;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.SlotIsolation;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cross-language vector of what {@code GET Observation/ID/$encrypted-value} sends: a fully packed
 * logN 14 ciphertext at the storage level (values of many records, one per slot), encrypted under the
 * committed test key's public key and passed through {@link SlotIsolation} with the server's own
 * bound ({@link KeySetEngine#MAX_MAGNITUDE}), so only two slots survive. The SMART app's decryptor
 * reads it in {@code smart-app/test/ckks/isolated.test.ts}. With
 * {@code -Dhomocloud.writeIsolatedVector=true} it first rewrites it; without, it checks the committed one.
 *
 * <p>TEST KEY (logn14/secret-key.bin), published on purpose.
 */
class IsolatedValueVectorTest {

  private static final Path ROOT = Path.of("src/main/resources/vectors");
  private static final String CIPHERTEXT = "isolated/logn14-isolated-slots.ct";
  private static final String JSON = "isolated/logn14-isolated-slots.json";
  private static final int[] SLOTS = {3, 5000};
  private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();

  /** Clinical-looking values in every slot (0 to 300), the same on every run. */
  static double[] packedValues(int slots) {
    Random random = new Random(8);
    double[] values = new double[slots];
    for (int i = 0; i < slots; i++) {
      values[i] = Math.round(random.nextDouble() * 300_000) / 1000.0;
    }
    return values;
  }

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (!Boolean.getBoolean("homocloud.writeIsolatedVector")) {
      return;
    }
    CkksParameters parameters = parameters();
    SecretKey sk = secretKey(parameters);
    int slots = 1 << parameters.maxLogSlots();
    double[] values = packedValues(slots);
    int level = StorageLevel.of(parameters, KeySetEngine.MAX_MAGNITUDE);
    Encoder encoder = new Encoder(parameters);
    var publicKey = new KeyGenerator(parameters.rlwe()).generatePublicKey(sk);
    Ciphertext packed = Encryptor.withPublicKey(publicKey)
        .encrypt(encoder.encode(values, new double[slots], parameters.maxLogSlots(), level, parameters.defaultScale()));
    Ciphertext isolated = new SlotIsolation(parameters, publicKey).isolate(packed, SLOTS, KeySetEngine.MAX_MAGNITUDE);
    Files.createDirectories(ROOT.resolve("isolated"));
    Files.write(ROOT.resolve(CIPHERTEXT), new CiphertextCodec(parameters).toBytes(isolated));
    double[] decoded = encoder.decode(new Decryptor(sk).decrypt(isolated))[0];
    double javaBits = Double.POSITIVE_INFINITY;
    for (int s : SLOTS) {
      javaBits = Math.min(javaBits, -log2(Math.abs(decoded[s] - values[s])));
    }
    double others = 0;
    for (int i = 0; i < slots; i++) {
      final int slot = i;
      if (Arrays.stream(SLOTS).noneMatch(s -> s == slot)) {
        others = Math.max(others, Math.abs(decoded[i]));
      }
    }
    String json = String.format(Locale.ROOT, """
        {
          "description": "A fully packed logN 14 ciphertext at storage level %d (a value of 0..300 in every slot), encrypted under the public key of the committed test key and isolated to slots %s by he-engine SlotIsolation with the server's bound 1e12: what GET Observation/ID/$encrypted-value sends. TEST KEY.",
          "parameters": "logn14/parameters.bin",
          "secretKey": "logn14/secret-key.bin",
          "ciphertext": "%s",
          "packedLevel": %d,
          "level": %d,
          "log2Scale": %s,
          "slots": [%d, %d],
          "expected": [%s, %s],
          "javaPrecisionBits": %s,
          "minPrecisionBits": %d,
          "otherSlotsMaxAbs": %s
        }
        """, level, Arrays.toString(SLOTS), CIPHERTEXT, level, isolated.level(), log2(isolated.scale()), SLOTS[0], SLOTS[1],
        values[SLOTS[0]], values[SLOTS[1]], javaBits, (int) Math.floor(javaBits) - 1, others);
    Files.writeString(ROOT.resolve(JSON), json, StandardCharsets.UTF_8);
  }


  @Test
  void committedIsolatedVector_decryptsToItsTwoValues_andNearZeroElsewhere() throws IOException {
    CkksParameters parameters = parameters();
    String json = Files.readString(ROOT.resolve(JSON));
    Ciphertext ct = new CiphertextCodec(parameters).fromBytes(Files.readAllBytes(ROOT.resolve(CIPHERTEXT)));
    double[] decoded = new Encoder(parameters).decode(new Decryptor(secretKey(parameters)).decrypt(ct))[0];
    double[] values = packedValues(1 << parameters.maxLogSlots());
    int minBits = Integer.parseInt(field(json, "minPrecisionBits"));
    for (int s : SLOTS) {
      double bits = -log2(Math.abs(decoded[s] - values[s]));
      System.out.printf("isolated slot %d: %.4f -> %.9f, %.2f bits (stated minimum %d)%n", s, values[s], decoded[s], bits, minBits);
      assertThat(bits).isGreaterThanOrEqualTo(minBits);
    }
    // Every other slot held a value up to 300; after isolation it is flood noise far below 2^-20.
    assertThat(Math.abs(decoded[4])).isLessThan(Math.pow(2, -20));
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\\s*(-?[0-9.]+)").matcher(json);
    assertThat(m.find()).as(name).isTrue();
    return m.group(1);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static CkksParameters parameters() throws IOException {
    return ParametersCodec.fromBytes(Files.readAllBytes(ROOT.resolve("logn14/parameters.bin")));
  }

  private static SecretKey secretKey(CkksParameters parameters) throws IOException {
    return new SecretKeyCodec(parameters).secretKeyFromBytes(Files.readAllBytes(ROOT.resolve("logn14/secret-key.bin")), ACCESS);
  }
}
