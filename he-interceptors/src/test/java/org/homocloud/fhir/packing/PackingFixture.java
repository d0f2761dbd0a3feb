package org.homocloud.fhir.packing;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.sqlite.SQLiteDataSource;

/**
 * The packing machinery over a SQLite ciphertext store and a SQLite index in a temporary directory, with
 * an INSECURE logN 10 key set (for tests only) whose secret key the fixture keeps to check values.
 */
public final class PackingFixture implements AutoCloseable {

  public static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();

  public final SqliteCiphertextStore store;
  public final KeySetRegistry registry;
  public final PackingIndex index;
  public final SQLiteDataSource dataSource;
  public final KeySetEngines engines;
  public final PackedValueWriter writer;
  public final Repacker repacker;
  public final PackedValueReader reader;
  private SecretKey secretKey;
  private PublicKey publicKey;

  public PackingFixture(Path dir) {
    store = new SqliteCiphertextStore(dir.resolve("blobs"));
    registry = KeySetRegistry.allowingInsecureParametersForTesting(store);
    dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + dir.resolve("index.db"));
    index = new PackingIndex(dataSource);
    engines = new KeySetEngines(registry);
    writer = new PackedValueWriter(new SlotAllocator(index), index, store);
    repacker = new Repacker(index, store, engines);
    reader = new PackedValueReader(index, store, engines);
  }

  /** Generates a key set and registers its public key under {@code keySetId}, as a custodian would. */
  public KeySetEngine registerKeySet(String keySetId) {
    KeyGenerator generator = new KeyGenerator(PARAMETERS.rlwe());
    secretKey = generator.generateSecretKey();
    publicKey = generator.generatePublicKey(secretKey);
    registry.register(keySetId, ParametersCodec.toBytes(PARAMETERS), new PublicKeyCodec(PARAMETERS).toBytes(publicKey),
        new ByteArrayInputStream(new EvaluationKeySetCodec(PARAMETERS).toBytes(new EvaluationKeySet(null, List.of()))));
    return engines.active(keySetId).orElseThrow();
  }

  public SecretKey secretKey() {
    return secretKey;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Every slot of a ciphertext, decrypted with the custodian's key. */
  public double[] decrypt(Ciphertext ct) {
    return new Encoder(PARAMETERS).decodeReal(new Decryptor(secretKey).decrypt(ct));
  }

  /** The value at {@code location}, read as a record-level reader gets it and decrypted. */
  public double decrypt(ValueLocation location) {
    return decrypt(reader.isolated(location))[location.slot()];
  }

  @Override
  public void close() {
    store.close();
  }
}
