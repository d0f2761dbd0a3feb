package org.homocloud.fhir.keys.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustodianKeyFileTest {

  private static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();
  private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  private static SecretKey secretKey;
  private static PublicKey publicKey;

  @TempDir
  Path dir;

  @BeforeAll
  static void keys() {
    KeyGenerator generator = new KeyGenerator(PARAMETERS.rlwe());
    secretKey = generator.generateSecretKey();
    publicKey = generator.generatePublicKey(secretKey);
  }

  private static PassphraseWrapper fastWrapper(String passphrase) {
    return new PassphraseWrapper(passphrase.toCharArray(), Argon2Cost.insecureForTesting());
  }

  private Path writeFastFile() {
    Path file = dir.resolve("team.key");
    CustodianKeyFile.write(file, "team-a", secretKey, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS);
    return file;
  }

  @Test
  void roundTrip_atRecommendedCost_decryptsWhatThePublicKeyEncrypted() throws Exception {
    Path file = dir.resolve("team.key");
    PassphraseWrapper wrapper = new PassphraseWrapper(PASSPHRASE);
    long t0 = System.nanoTime();
    CustodianKeyFile.write(file, "team-a", secretKey, PARAMETERS, wrapper, ACCESS);
    long t1 = System.nanoTime();
    SecretKey opened = CustodianKeyFile.read(file, PARAMETERS, new PassphraseWrapper(PASSPHRASE), ACCESS);
    long t2 = System.nanoTime();
    wrapper.destroy();

    assertThat(opened.equalsConstantTime(secretKey)).isTrue();
    double[] values = new double[PARAMETERS.slots()];
    Random random = new Random(7);
    for (int i = 0; i < values.length; i++) {
      values[i] = 200 * random.nextDouble() - 100;
    }
    Encoder encoder = new Encoder(PARAMETERS);
    Ciphertext ct = Encryptor.withPublicKey(publicKey).encrypt(encoder.encode(values));
    double[] decrypted = encoder.decodeReal(new Decryptor(opened).decrypt(ct));
    PrecisionStats precision = PrecisionStats.of(values, decrypted);
    CustodianKeyFile.Header header = CustodianKeyFile.readHeader(file);
    System.out.printf("custodian key file: %d bytes (secret key %d bytes); Argon2id %s: write %.0f ms, read %.0f ms; %s%n",
        Files.size(file), new SecretKeyCodec(PARAMETERS).size(), Argon2Cost.RFC9106_SECOND_RECOMMENDED,
        (t1 - t0) / 1e6, (t2 - t1) / 1e6, precision);
    assertThat(precision.minBits()).isGreaterThan(20);
    assertThat(header.keySetId()).isEqualTo("team-a");
    assertThat(header.parametersFingerprint()).isEqualTo(PARAMETERS.fingerprint());
    assertThat(header.version()).isEqualTo(CustodianKeyFile.VERSION);
    assertThat(PassphraseWrapper.costOf(header.wrappingParameters())).isEqualTo(Argon2Cost.RFC9106_SECOND_RECOMMENDED);
  }

  @Test
  void write_isOwnerOnly_andNeverOverwrites_andLeavesNoTempFile() throws Exception {
    Path file = writeFastFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> CustodianKeyFile.write(file, "team-a", secretKey, PARAMETERS, fastWrapper("other"), ACCESS))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("refusing to overwrite");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("team.key");
    }
  }

  @Test
  void file_holdsNoSecretKeyBytesInClear() throws Exception {
    byte[] file = Files.readAllBytes(writeFastFile());
    byte[] secret = new SecretKeyCodec(PARAMETERS).secretKeyToBytes(secretKey, ACCESS);
    // 32 bytes of the packed coefficients (past the public codec header) must not occur in the file.
    byte[] needle = java.util.Arrays.copyOfRange(secret, 100, 132);
    assertThat(indexOf(file, needle)).isEqualTo(-1);
  }

  @Test
  void wrongPassphrase_isAClearError() {
    Path file = writeFastFile();
    assertThatThrownBy(() -> CustodianKeyFile.read(file, PARAMETERS, fastWrapper("Correct horse battery staple"), ACCESS))
        .isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith("wrong passphrase or corrupted key file").hasMessageEndingWith("(authentication failed)");
  }

  @Test
  void everyTamperedByte_isRejectedAsCorrupted() throws Exception {
    Path file = writeFastFile();
    byte[] original = Files.readAllBytes(file);
    int headerEnd = original.length - new SecretKeyCodec(PARAMETERS).size() - 16;
    // The key-set id, fingerprint, scheme, cost, salt, nonce, length and body: one flipped bit anywhere
    // after the magic and version fails with the one message, whether authentication or a bound catches it.
    int[] positions = {7, 10, 15, 29, 30, 33, headerEnd - 40, headerEnd - 20, headerEnd - 1, headerEnd + 10, original.length - 1};
    for (int at : positions) {
      byte[] tampered = original.clone();
      tampered[at] ^= 0x01;
      Path copy = dir.resolve("tampered-" + at + ".key");
      Files.write(copy, tampered);
      assertThatThrownBy(() -> CustodianKeyFile.read(copy, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS))
          .as("flipped byte %d of %d", at, original.length)
          .isInstanceOf(KeyFileException.class)
          .hasMessageStartingWith("wrong passphrase or corrupted key file");
    }
    // A flipped bit in the middle of the wrapped key is always an authentication failure.
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(original.length - 200);
      raf.write(original[original.length - 200] ^ 0x40);
    }
    assertThatThrownBy(() -> CustodianKeyFile.read(file, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS))
        .isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith("wrong passphrase or corrupted key file");
  }

  @Test
  void unknownVersion_isNamed() throws Exception {
    Path file = writeFastFile();
    byte[] bytes = Files.readAllBytes(file);
    bytes[5] = 2;
    Files.write(file, bytes);
    assertThatThrownBy(() -> CustodianKeyFile.read(file, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("format version 2; this reader understands version 1 only");
  }

  @Test
  void notAKeyFile_truncated_andOtherParameters_areClearErrors() throws Exception {
    Path file = writeFastFile();
    byte[] bytes = Files.readAllBytes(file);
    Path other = dir.resolve("other.bin");
    Files.write(other, "{\"json\": true}".getBytes());
    assertThatThrownBy(() -> CustodianKeyFile.readHeader(other)).hasMessageContaining("not a Homocloud key file");
    Path truncated = dir.resolve("short.key");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> CustodianKeyFile.read(truncated, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> CustodianKeyFile.read(file, CkksPresets.insecureForTestingLogN12(),
        fastWrapper(new String(PASSPHRASE)), ACCESS))
        .hasMessageContaining("holds a key for parameters with fingerprint");
  }

  @Test
  void hostileCost_isRejectedBeforeTheKdfRuns() throws Exception {
    Path file = writeFastFile();
    byte[] bytes = Files.readAllBytes(file);
    CustodianKeyFile.Header header = CustodianKeyFile.readHeader(file);
    int costAt = 4 + 2 + 1 + header.keySetId().length() + 16 + 1 + 2;  // memory KiB, u32
    bytes[costAt] = 0x7f;  // ~2 TiB
    Files.write(file, bytes);
    assertThatThrownBy(() -> CustodianKeyFile.read(file, PARAMETERS, fastWrapper(new String(PASSPHRASE)), ACCESS))
        .isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith("wrong passphrase or corrupted key file").hasMessageContaining("Argon2 memory");
  }

  @Test
  void secretHandling_needsTheAccessToken() {
    assertThatThrownBy(() -> CustodianKeyFile.write(dir.resolve("x.key"), "team-a", secretKey, PARAMETERS,
        fastWrapper("p"), null)).isInstanceOf(SecurityException.class);
    Path file = writeFastFile();
    assertThatThrownBy(() -> CustodianKeyFile.read(file, PARAMETERS, fastWrapper("p"), null))
        .isInstanceOf(SecurityException.class);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
