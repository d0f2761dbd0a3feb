package org.homocloud.fhir.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key-set registry on the SQLite ciphertext store, with real keys at the INSECURE logN 10 test preset. */
class KeySetRegistryTest {

  static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();
  static final int[] ROTATIONS = {1, 5};

  /** A custodian's key set: the secret stays here, the rest is uploaded. */
  record Custodian(SecretKey secretKey, byte[] parameters, byte[] publicKey, byte[] evaluationKeys) {

    static Custodian create(CkksParameters parameters) {
      KeyGenerator generator = new KeyGenerator(parameters.rlwe());
      SecretKey sk = generator.generateSecretKey();
      List<GaloisKey> galois = new ArrayList<>();
      for (int k : ROTATIONS) {
        galois.add(generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), k)));
      }
      EvaluationKeySet keys = new EvaluationKeySet(generator.generateRelinearizationKey(sk), galois);
      return new Custodian(sk, ParametersCodec.toBytes(parameters),
          new PublicKeyCodec(parameters).toBytes(generator.generatePublicKey(sk)),
          new EvaluationKeySetCodec(parameters).toBytes(keys));
    }
  }

  static Custodian custodian;
  static Custodian secondCustodian;
  static Custodian otherParameters;

  @TempDir
  Path dir;

  CiphertextStore store;
  KeySetRegistry registry;

  @BeforeAll
  static void keys() {
    custodian = Custodian.create(PARAMETERS);
    secondCustodian = Custodian.create(PARAMETERS);
    otherParameters = Custodian.create(CkksPresets.insecureForTestingLogN12());
  }

  @BeforeEach
  void open() {
    store = new SqliteCiphertextStore(dir.resolve("store"));
    registry = KeySetRegistry.allowingInsecureParametersForTesting(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private KeySetVersion register(String id, Custodian c) {
    return registry.register(id, c.parameters(), c.publicKey(), new ByteArrayInputStream(c.evaluationKeys()));
  }

  @Test
  void registeredKeys_readBack_encryptMultiplyAndRotate_withPrecision() {
    KeySetVersion record = register("team-a", custodian);
    assertThat(record.version()).isEqualTo(1);
    assertThat(record.relinearizationKey()).isTrue();
    assertThat(record.galoisElements()).hasSize(ROTATIONS.length);
    assertThat(record.evaluationKeys().size()).isEqualTo(custodian.evaluationKeys().length);

    // A fresh registry over the reopened store: everything comes from the store.
    store.close();
    store = new SqliteCiphertextStore(dir.resolve("store"));
    registry = KeySetRegistry.allowingInsecureParametersForTesting(store);
    KeySetVersion active = registry.active("team-a").orElseThrow();
    assertThat(active).isEqualTo(record);
    CkksParameters parameters = registry.parameters(active);
    PublicKey publicKey = registry.publicKey(active);
    EvaluationKeySet keys = registry.evaluationKeys(active);

    Encoder encoder = new Encoder(parameters);
    double[] a = values(1);
    double[] b = values(2);
    Encryptor encryptor = Encryptor.withPublicKey(publicKey);
    Evaluator evaluator = new Evaluator(parameters, keys);
    Ciphertext product = evaluator.rescaleNew(evaluator.mulRelinNew(
        encryptor.encrypt(encoder.encode(a)), encryptor.encrypt(encoder.encode(b))));
    Ciphertext rotated = evaluator.rotateNew(product, 5);

    Decryptor decryptor = new Decryptor(custodian.secretKey());
    double[] expected = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      int j = (i + 5) % a.length;
      expected[i] = a[j] * b[j];
    }
    PrecisionStats precision = PrecisionStats.of(expected, encoder.decodeReal(decryptor.decrypt(rotated)));
    System.out.println("registry keys, multiply + rescale + rotate by 5 at logN 10: " + precision);
    assertThat(precision.minBits()).isGreaterThan(15);
  }

  @Test
  void newVersion_becomesActive_olderVersionsStayReadable() {
    KeySetVersion first = register("team-a", custodian);
    KeySetVersion second = register("team-a", secondCustodian);
    register("team-b", custodian);

    assertThat(second.version()).isEqualTo(2);
    assertThat(registry.active("team-a").orElseThrow()).isEqualTo(second);
    assertThat(registry.versions("team-a")).containsExactly(first, second);
    assertThat(registry.active("team-b").orElseThrow().version()).isEqualTo(1);
    assertThat(registry.active("team-c")).isEmpty();

    // Data encrypted under version 1 still decrypts with version 1's secret key.
    Encoder encoder = new Encoder(PARAMETERS);
    double[] v = values(3);
    Ciphertext ct = Encryptor.withPublicKey(registry.publicKey(registry.version("team-a", 1))).encrypt(encoder.encode(v));
    PrecisionStats precision = PrecisionStats.of(v, encoder.decodeReal(new Decryptor(custodian.secretKey()).decrypt(ct)));
    assertThat(precision.minBits()).isGreaterThan(20);
    assertThatThrownBy(() -> registry.version("team-a", 3))
        .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.NOT_FOUND));
  }

  @Test
  void badUploads_areRejected_withNothingStored() {
    KeySetVersion first = register("team-a", custodian);
    byte[] truncatedKeys = Arrays.copyOf(custodian.evaluationKeys(), custodian.evaluationKeys().length - 1000);
    byte[] trailingKeys = Arrays.copyOf(custodian.evaluationKeys(), custodian.evaluationKeys().length + 1);
    byte[] flippedPublicKey = custodian.publicKey().clone();
    flippedPublicKey[flippedPublicKey.length - 3] ^= (byte) 0xff;  // a residue at or above its prime, or else garbage bits
    byte[] badParameters = custodian.parameters().clone();
    badParameters[8] ^= 0x01;  // a Q prime that is no longer prime
    byte[] swappedElements = custodian.evaluationKeys().clone();

    record Upload(String what, byte[] parameters, byte[] publicKey, byte[] evaluationKeys, String message) {
    }
    List<Upload> uploads = List.of(
        new Upload("public key under other parameters", custodian.parameters(), otherParameters.publicKey(),
            custodian.evaluationKeys(), "public key"),
        new Upload("evaluation keys under other parameters", custodian.parameters(), custodian.publicKey(),
            otherParameters.evaluationKeys(), "other parameters"),
        new Upload("truncated evaluation keys", custodian.parameters(), custodian.publicKey(), truncatedKeys, "evaluation keys"),
        new Upload("trailing bytes after the evaluation keys", custodian.parameters(), custodian.publicKey(),
            trailingKeys, "trailing bytes"),
        new Upload("malformed public key", custodian.parameters(), Arrays.copyOf(custodian.publicKey(), 500), custodian.evaluationKeys(),
            "public key"),
        new Upload("malformed parameters", badParameters, custodian.publicKey(), custodian.evaluationKeys(), "parameters"),
        new Upload("public key bytes as evaluation keys", custodian.parameters(), custodian.publicKey(),
            custodian.publicKey(), "evaluation key set"));
    for (Upload upload : uploads) {
      assertThatThrownBy(() -> registry.register("team-a", upload.parameters(), upload.publicKey(),
          new ByteArrayInputStream(upload.evaluationKeys())))
          .as(upload.what())
          .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.REJECTED))
          .hasMessageContaining("nothing stored")
          .hasMessageContaining(upload.message());
      assertNothingStored("team-a", 2);
      assertThat(registry.active("team-a").orElseThrow()).isEqualTo(first);
    }
    assertThatThrownBy(() -> registry.register("team-b", otherParameters.parameters(), custodian.publicKey(),
        new ByteArrayInputStream(custodian.evaluationKeys())))
        .isInstanceOf(KeySetException.class).hasMessageContaining("public key");
    assertNothingStored("team-b", 1);
    assertThat(registry.active("team-b")).isEmpty();
  }

  @Test
  void badBootstrappingKeys_areRejected_withNothingStored_andAnOrdinarySetIsNotBootstrappable() {
    KeySetVersion first = register("team-a", custodian);
    assertThat(first.bootstrappable()).isFalse();
    assertThat(first.format()).isEqualTo(KeySetRegistry.METADATA_FORMAT);
    assertThat(registry.bootstrappingKeys(first)).isEmpty();
    byte[] garbage = new byte[5000];
    new Random(4).nextBytes(garbage);
    for (byte[] bootstrapping : List.of(custodian.evaluationKeys(), garbage,
        Arrays.copyOf(custodian.evaluationKeys(), 30))) {
      assertThatThrownBy(() -> registry.register("team-a", custodian.parameters(), custodian.publicKey(),
          new ByteArrayInputStream(bootstrapping), new ByteArrayInputStream(custodian.evaluationKeys())))
          .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.REJECTED))
          .hasMessageContaining("nothing stored")
          .hasMessageContaining("bootstrapping keys");
      assertNothingStored("team-a", 2);
      assertThat(registry.active("team-a").orElseThrow()).isEqualTo(first);
    }
  }

  @Test
  void uploadBreakingOffMidway_registersNothing() {
    KeySetVersion first = register("team-a", custodian);
    byte[] keys = secondCustodian.evaluationKeys();
    InputStream breaking = new SequenceInputStream(new ByteArrayInputStream(keys, 0, keys.length / 2), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset by peer");
      }
    });
    assertThatThrownBy(() -> registry.register("team-a", secondCustodian.parameters(), secondCustodian.publicKey(), breaking))
        .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.BACKEND))
        .hasMessageContaining("nothing registered");
    assertNothingStored("team-a", 2);
    assertThat(registry.active("team-a").orElseThrow()).isEqualTo(first);
    assertThat(registry.versions("team-a")).containsExactly(first);
  }

  @Test
  void blobsLeftByARegistrationCutShort_areInvisible_andOverwrittenByTheNext() {
    KeySetVersion first = register("team-a", custodian);
    // What a crash between the blob puts and the metadata record leaves behind.
    store.put(KeySetRegistry.prefix("team-a", 2) + ".public-key", new byte[] {1, 2, 3});
    store.put(KeySetRegistry.prefix("team-a", 2) + ".evaluation-keys", new byte[] {4, 5, 6});
    assertThat(registry.active("team-a").orElseThrow()).isEqualTo(first);

    byte[] noKeys = new EvaluationKeySetCodec(PARAMETERS).toBytes(new EvaluationKeySet(null, List.of()));
    KeySetVersion second = registry.register("team-a", secondCustodian.parameters(), secondCustodian.publicKey(),
        new ByteArrayInputStream(noKeys));
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.relinearizationKey()).isFalse();
    assertThat(second.galoisElements()).isEmpty();
    assertThat(registry.evaluationKeys(second).galoisKeys()).isEmpty();
    assertThat(new PublicKeyCodec(PARAMETERS).toBytes(registry.publicKey(second))).isEqualTo(secondCustodian.publicKey());
  }

  @Test
  void insecureParameters_areRefused_byADefaultRegistry() {
    KeySetRegistry strict = new KeySetRegistry(store);
    assertThatThrownBy(() -> strict.register("team-a", custodian.parameters(), custodian.publicKey(),
        new ByteArrayInputStream(custodian.evaluationKeys())))
        .isInstanceOf(KeySetException.class).hasMessageContaining("insecure-for-testing");
    assertNothingStored("team-a", 1);
  }

  @Test
  void blobReplacedBehindTheRegistry_isReportedCorrupt() {
    KeySetVersion record = register("team-a", custodian);
    // A valid public key of another custodian, put with the store's own (matching) hash: only the record catches it.
    store.put(record.publicKey().blobId(), secondCustodian.publicKey());
    assertThatThrownBy(() -> registry.publicKey(record))
        .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.CORRUPT))
        .hasMessageContaining("the record says");
    store.put(record.evaluationKeys().blobId(), secondCustodian.evaluationKeys());
    assertThatThrownBy(() -> registry.evaluationKeys(record))
        .isInstanceOfSatisfying(KeySetException.class, e -> assertThat(e.reason()).isEqualTo(KeySetException.Reason.CORRUPT));
  }

  @Test
  void badKeySetIds_areRefused() {
    for (String id : new String[] {"", "a.b", "../x", "x".repeat(65), "ünïcode"}) {
      assertThatThrownBy(() -> register(id, custodian)).as(id).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private void assertNothingStored(String id, int version) {
    for (String part : new String[] {"parameters", "public-key", "evaluation-keys", "bootstrapping-keys", "meta"}) {
      assertThat(store.exists(KeySetRegistry.prefix(id, version) + "." + part)).as(part).isFalse();
    }
  }

  private static double[] values(long seed) {
    Random random = new Random(seed);
    double[] v = new double[PARAMETERS.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }
}
