package org.homocloud.fhir.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.homocloud.fhir.keys.KeySetException.Reason;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.serialization.BootstrappingKeySetCodec;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.LeveledEvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;

/**
 * The server's registry of public key material: under a key-set id and a version number, the CKKS
 * parameters, public key and evaluation key set a custodian uploaded, kept as blobs in a
 * {@link CiphertextStore} with a JSON metadata record beside them.
 *
 * <p><b>Versions.</b> The first registration of an id is version 1, each later one the next number;
 * older versions stay readable (data encrypted under them stays usable), and {@link #active} is the
 * newest. <b>Validation.</b> Uploads are parsed with the engine's codecs against the uploaded
 * parameters before they become visible: parameters must pass the engine's security check (unless
 * the registry was made {@link #allowingInsecureParametersForTesting for tests}), the public key and
 * every evaluation key must carry those parameters' fingerprint and be well formed. Evaluation keys
 * (gigabytes at logN 16) are streamed into the store and checked key by key as they are read back,
 * never held whole. <b>Atomicity.</b> A version's blobs are written first and its metadata record
 * last; a version exists exactly when its record does. A rejected or failed registration deletes what
 * it wrote; one cut short by a crash leaves only invisible blobs, overwritten by the next registration
 * of that id. <b>Integrity.</b> Reads check each blob's size and SHA-256 against the record (besides the
 * store's own check) and parse it again, so they return engine objects ready to use.
 *
 * <p>Blob ids: {@code keyset.<id>.v<version>.parameters|public-key|evaluation-keys|meta}, and
 * {@code bootstrapping-keys} for a key set that can bootstrap (engine format tag 10, checked as the others). Registrations
 * are serialized within this instance; one registry instance (the server) should write a store.
 * Reads are safe from any thread.
 */
public final class KeySetRegistry {

  /**
   * Version of the JSON metadata record's layout: 2 adds the optional bootstrapping key set blob;
   * records of format 1 (no bootstrapping keys) are still read.
   */
  public static final int METADATA_FORMAT = 2;

  /** Largest parameters or public key accepted (logN 16 public key: 20.5 MB); evaluation keys are streamed. */
  public static final int MAX_PUBLIC_KEY_BYTES = 64 << 20;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private final CiphertextStore store;
  private final boolean allowInsecureParameters;
  private final ReentrantLock registrationLock = new ReentrantLock();

  /** A registry that refuses parameters below 128-bit security. */
  public KeySetRegistry(CiphertextStore store) {
    this(store, false);
  }

  private KeySetRegistry(CiphertextStore store, boolean allowInsecureParameters) {
    if (store == null) {
      throw new IllegalArgumentException("a key-set registry needs a ciphertext store");
    }
    this.store = store;
    this.allowInsecureParameters = allowInsecureParameters;
  }

  /** INSECURE, for tests: a registry that also accepts parameters marked insecure-for-testing. */
  public static KeySetRegistry allowingInsecureParametersForTesting(CiphertextStore store) {
    return new KeySetRegistry(store, true);
  }

  /**
   * Validates and stores a new version of {@code keySetId}: serialized parameters, public key and
   * evaluation key set (read from {@code evaluationKeys} to its end, not closed).
   *
   * @return the metadata record of the new version, now {@link #active}
   * @throws KeySetException {@code REJECTED} for bad material, {@code BACKEND} if the store failed; in
   *     both cases no new version exists and none of its blobs are left behind
   */
  public KeySetVersion register(String keySetId, byte[] parameters, byte[] publicKey, InputStream evaluationKeys) {
    return register(keySetId, parameters, publicKey, null, evaluationKeys);
  }

  /**
   * As {@link #register(String, byte[], byte[], InputStream)}, with a bootstrapping key set (engine
   * format, tag 10, read from {@code bootstrappingKeys} to its end before the evaluation keys; null for
   * none): streamed into its own blob, read back and checked key by key, its SHA-256 and size in the record.
   */
  public KeySetVersion register(String keySetId, byte[] parameters, byte[] publicKey, InputStream bootstrappingKeys,
      InputStream evaluationKeys) {
    KeySetIds.check(keySetId);
    CkksParameters checkedParameters = parseParameters(keySetId, parameters);
    parsePublicKey(keySetId, checkedParameters, publicKey);
    registrationLock.lock();
    try {
      int version = newestVersion(keySetId) + 1;
      String prefix = prefix(keySetId, version);
      List<String> written = new ArrayList<>();
      try {
        KeySetVersion.Blob parametersBlob = putBytes(prefix + ".parameters", parameters, written);
        KeySetVersion.Blob publicKeyBlob = putBytes(prefix + ".public-key", publicKey, written);
        KeySetVersion.Blob bootstrappingBlob = null;
        Integer levelsLeft = null;
        if (bootstrappingKeys != null) {
          String bootstrappingId = prefix + ".bootstrapping-keys";
          written.add(bootstrappingId);
          MessageDigest bootstrappingDigest = sha256();
          long bootstrappingSize = store.putStream(bootstrappingId, new DigestInputStream(bootstrappingKeys, bootstrappingDigest));
          String bootstrappingSha256 = HexFormat.of().formatHex(bootstrappingDigest.digest());
          levelsLeft = checkStoredBootstrappingKeys(keySetId, checkedParameters, bootstrappingId, bootstrappingSha256);
          bootstrappingBlob = new KeySetVersion.Blob(bootstrappingId, bootstrappingSize, bootstrappingSha256);
        }
        String evaluationKeysId = prefix + ".evaluation-keys";
        written.add(evaluationKeysId);
        MessageDigest uploadDigest = sha256();
        long size = store.putStream(evaluationKeysId, new DigestInputStream(evaluationKeys, uploadDigest));
        String sha256 = HexFormat.of().formatHex(uploadDigest.digest());
        EvaluationKeyStreamCheck.Summary summary = checkStoredEvaluationKeys(keySetId, checkedParameters, evaluationKeysId, sha256);
        KeySetVersion record = new KeySetVersion(METADATA_FORMAT, keySetId, version,
            HexFormat.of().formatHex(checkedParameters.fingerprint()), Instant.now().toString(),
            parametersBlob, publicKeyBlob, new KeySetVersion.Blob(evaluationKeysId, size, sha256),
            summary.relinearizationKey(), summary.galoisElements(), bootstrappingBlob, levelsLeft);
        String metaId = prefix + ".meta";
        written.add(metaId);
        store.put(metaId, JSON.writeValueAsBytes(record));
        return record;
      } catch (KeySetException e) {
        deleteQuietly(written, e);
        throw e;
      } catch (CiphertextStoreException | JsonProcessingException e) {
        KeySetException failure = new KeySetException(Reason.BACKEND, "key set '" + keySetId + "' version "
            + version + ": storing failed, nothing registered: " + e.getMessage(), e);
        deleteQuietly(written, failure);
        throw failure;
      } catch (RuntimeException e) {
        deleteQuietly(written, e);
        throw e;
      }
    } finally {
      registrationLock.unlock();
    }
  }

  /** The newest version of {@code keySetId}, if it has any. */
  public Optional<KeySetVersion> active(String keySetId) {
    KeySetIds.check(keySetId);
    int newest = newestVersion(keySetId);
    return newest == 0 ? Optional.empty() : Optional.of(version(keySetId, newest));
  }

  /** Every version of {@code keySetId}, oldest first. */
  public List<KeySetVersion> versions(String keySetId) {
    KeySetIds.check(keySetId);
    List<KeySetVersion> all = new ArrayList<>();
    for (int v = 1; store.exists(prefix(keySetId, v) + ".meta"); v++) {
      all.add(version(keySetId, v));
    }
    return all;
  }

  /** The metadata record of one version. */
  public KeySetVersion version(String keySetId, int version) {
    KeySetIds.check(keySetId);
    String metaId = prefix(keySetId, version) + ".meta";
    byte[] json;
    try {
      json = store.get(metaId);
    } catch (CiphertextStoreException e) {
      if (e.reason() == CiphertextStoreException.Reason.MISSING) {
        throw new KeySetException(Reason.NOT_FOUND, "key set '" + keySetId + "' has no version " + version, e);
      }
      throw fromStore(keySetId, version, e);
    }
    KeySetVersion record;
    try {
      record = JSON.readValue(json, KeySetVersion.class);
    } catch (IOException e) {
      throw new KeySetException(Reason.CORRUPT, "key set '" + keySetId + "' version " + version
          + ": unreadable metadata record: " + e.getMessage(), e);
    }
    if ((record.format() != METADATA_FORMAT && record.format() != 1) || !keySetId.equals(record.keySetId()) || record.version() != version) {
      throw new KeySetException(Reason.CORRUPT, "key set '" + keySetId + "' version " + version
          + ": the metadata record describes format " + record.format() + ", key set '" + record.keySetId()
          + "' version " + record.version());
    }
    return record;
  }

  /** The parameters of a version, checked against its record. */
  public CkksParameters parameters(KeySetVersion record) {
    byte[] bytes = readVerified(record, record.parameters());
    try {
      CkksParameters parameters = ParametersCodec.fromBytes(bytes);
      if (!HexFormat.of().formatHex(parameters.fingerprint()).equals(record.parametersFingerprint())) {
        throw corrupt(record, "its parameters' fingerprint differs from the record's");
      }
      return parameters;
    } catch (HeException | UncheckedIOException e) {
      throw corrupt(record, "its parameters do not parse: " + e.getMessage());
    }
  }

  /** The public key of a version, checked against its record and parameters. */
  public PublicKey publicKey(KeySetVersion record) {
    CkksParameters parameters = parameters(record);
    byte[] bytes = readVerified(record, record.publicKey());
    try {
      return new PublicKeyCodec(parameters).fromBytes(bytes);
    } catch (HeException | UncheckedIOException e) {
      throw corrupt(record, "its public key does not parse: " + e.getMessage());
    }
  }

  /**
   * The evaluation key set of a version, streamed from the store, parsed and checked against its
   * record. The set is returned whole (an evaluator needs it whole); at logN 16 that is gigabytes.
   */
  public EvaluationKeySet evaluationKeys(KeySetVersion record) {
    CkksParameters parameters = parameters(record);
    KeySetVersion.Blob blob = record.evaluationKeys();
    return streamVerified(record, blob, "evaluation keys", in -> {
      java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in, 1 << 16);
      EvaluationKeySet keys = EvaluationKeyStreamCheck.tagOf(buffered) == EvaluationKeyStreamCheck.TAG_LEVELED_EVALUATION_KEY_SET
          ? new LeveledEvaluationKeySetCodec(parameters).read(buffered)
          : new EvaluationKeySetCodec(parameters).read(buffered);
      if (buffered.read() >= 0) {
        throw corrupt(record, "trailing bytes follow its evaluation key set");
      }
      return keys;
    });
  }

  /**
   * The bootstrapping key set of a version, if it has one: streamed from the store, parsed, checked
   * against the record's size and SHA-256. Gigabytes at logN 16; a caller keeps it (a bootstrapper).
   */
  public Optional<BootstrappingKeySet> bootstrappingKeys(KeySetVersion record) {
    KeySetVersion.Blob blob = record.bootstrappingKeys();
    if (blob == null) {
      return Optional.empty();
    }
    CkksParameters parameters = parameters(record);
    return Optional.of(streamVerified(record, blob, "bootstrapping keys", in -> {
      BootstrappingKeySet keys = new BootstrappingKeySetCodec(parameters).read(in);
      if (in.read() >= 0) {
        throw corrupt(record, "trailing bytes follow its bootstrapping key set");
      }
      return keys;
    }));
  }

  /** Parses a version's stored blob of keys to its end. */
  @FunctionalInterface
  private interface KeyBlobParser<T> {
    T parse(InputStream in) throws IOException;
  }

  /**
   * Streams {@code blob} from the store through {@code parser}, then checks the bytes read against the record's
   * size and SHA-256; a blob that does not parse is corrupt, a store that fails is the backend's error.
   */
  private <T> T streamVerified(KeySetVersion record, KeySetVersion.Blob blob, String what, KeyBlobParser<T> parser) {
    MessageDigest digest = sha256();
    try (InputStream stored = store.openStream(blob.blobId());
         CountingInputStream in = new CountingInputStream(new DigestInputStream(stored, digest))) {
      T keys = parser.parse(in);
      checkAgainst(record, blob, in.count(), digest);
      return keys;
    } catch (HeException e) {
      throw corrupt(record, "its " + what + " do not parse: " + e.getMessage());
    } catch (CiphertextStoreException e) {
      throw fromStore(record.keySetId(), record.version(), e);
    } catch (IOException e) {
      if (e.getCause() instanceof CiphertextStoreException cause) {
        throw fromStore(record.keySetId(), record.version(), cause);
      }
      throw new KeySetException(Reason.BACKEND, "key set '" + record.keySetId() + "' version " + record.version()
          + ": reading " + what + " failed: " + e.getMessage(), e);
    }
  }

  /** Reads the just-stored bootstrapping keys back key by key; returns the levels they leave for computation. */
  private int checkStoredBootstrappingKeys(String keySetId, CkksParameters parameters, String blobId,
      String uploadSha256) {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(store.openStream(blobId), digest)) {
      BootstrappingKeySetCodec.Summary summary = new BootstrappingKeySetCodec(parameters).check(in);
      if (in.read() >= 0) {
        throw rejected(keySetId, "bootstrapping keys: trailing bytes follow the bootstrapping key set");
      }
      if (!HexFormat.of().formatHex(digest.digest()).equals(uploadSha256)) {
        throw new KeySetException(Reason.BACKEND, "key set '" + keySetId
            + "': the stored bootstrapping keys differ from the upload; nothing registered");
      }
      if (!summary.relinearizationKey()) {
        throw rejected(keySetId, "bootstrapping keys: the set has no relinearization key, which bootstrapping needs");
      }
      return summary.parameters().levelsLeft();
    } catch (HeException e) {
      throw rejected(keySetId, "bootstrapping keys: " + e.getMessage());
    } catch (IOException e) {
      throw new KeySetException(Reason.BACKEND, "key set '" + keySetId
          + "': reading back the stored bootstrapping keys failed, nothing registered: " + e.getMessage(), e);
    }
  }

  private CkksParameters parseParameters(String keySetId, byte[] bytes) {
    if (bytes == null || bytes.length > MAX_PUBLIC_KEY_BYTES) {
      throw rejected(keySetId, "parameters missing or over " + MAX_PUBLIC_KEY_BYTES + " bytes");
    }
    CkksParameters parameters;
    try {
      parameters = ParametersCodec.fromBytes(bytes);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw rejected(keySetId, "parameters: " + e.getMessage());
    }
    if (parameters.rlwe().isInsecureForTesting() && !allowInsecureParameters) {
      throw rejected(keySetId, "parameters are marked insecure-for-testing; this registry accepts only 128-bit sets");
    }
    return parameters;
  }

  private void parsePublicKey(String keySetId, CkksParameters parameters, byte[] bytes) {
    if (bytes == null || bytes.length > MAX_PUBLIC_KEY_BYTES) {
      throw rejected(keySetId, "public key missing or over " + MAX_PUBLIC_KEY_BYTES + " bytes");
    }
    try {
      new PublicKeyCodec(parameters).fromBytes(bytes);
    } catch (HeException | UncheckedIOException e) {
      throw rejected(keySetId, "public key: " + e.getMessage());
    }
  }

  /** Reads the just-stored evaluation keys back through the store's own check and checks them key by key. */
  private EvaluationKeyStreamCheck.Summary checkStoredEvaluationKeys(
      String keySetId, CkksParameters parameters, String blobId, String uploadSha256) {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(store.openStream(blobId), digest)) {
      EvaluationKeyStreamCheck.Summary summary = EvaluationKeyStreamCheck.check(in, parameters);
      if (!HexFormat.of().formatHex(digest.digest()).equals(uploadSha256)) {
        throw new KeySetException(Reason.BACKEND, "key set '" + keySetId
            + "': the stored evaluation keys differ from the upload; nothing registered");
      }
      return summary;
    } catch (HeException e) {
      throw rejected(keySetId, "evaluation keys: " + e.getMessage());
    } catch (IOException e) {
      throw new KeySetException(Reason.BACKEND, "key set '" + keySetId
          + "': reading back the stored evaluation keys failed, nothing registered: " + e.getMessage(), e);
    }
  }

  private KeySetVersion.Blob putBytes(String blobId, byte[] bytes, List<String> written) {
    written.add(blobId);
    store.put(blobId, bytes);
    return new KeySetVersion.Blob(blobId, bytes.length, HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  private byte[] readVerified(KeySetVersion record, KeySetVersion.Blob blob) {
    byte[] bytes;
    try {
      bytes = store.get(blob.blobId());
    } catch (CiphertextStoreException e) {
      throw fromStore(record.keySetId(), record.version(), e);
    }
    MessageDigest digest = sha256();
    digest.update(bytes);
    checkAgainst(record, blob, bytes.length, digest);
    return bytes;
  }

  private static void checkAgainst(KeySetVersion record, KeySetVersion.Blob blob, long size, MessageDigest digest) {
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (size != blob.size() || !sha256.equals(blob.sha256())) {
      throw corrupt(record, "blob '" + blob.blobId() + "' has " + size + " bytes with SHA-256 " + sha256
          + "; the record says " + blob.size() + " bytes with " + blob.sha256());
    }
  }

  /** Versions are numbered from 1 without gaps, so the newest is the last whose record exists. */
  private int newestVersion(String keySetId) {
    int v = 0;
    while (store.exists(prefix(keySetId, v + 1) + ".meta")) {
      v++;
    }
    return v;
  }

  private void deleteQuietly(List<String> blobIds, Exception cause) {
    for (String blobId : blobIds) {
      try {
        store.delete(blobId);
      } catch (RuntimeException e) {
        // Invisible without a metadata record, and overwritten by the next registration of this id.
        cause.addSuppressed(e);
      }
    }
  }

  static String prefix(String keySetId, int version) {
    return "keyset." + keySetId + ".v" + version;
  }

  private static KeySetException rejected(String keySetId, String why) {
    return new KeySetException(Reason.REJECTED, "key set '" + keySetId + "' rejected, nothing stored: " + why);
  }

  private static KeySetException corrupt(KeySetVersion record, String why) {
    return new KeySetException(Reason.CORRUPT, "key set '" + record.keySetId() + "' version " + record.version()
        + ": " + why);
  }

  private static KeySetException fromStore(String keySetId, int version, CiphertextStoreException e) {
    Reason reason = e.reason() == CiphertextStoreException.Reason.BACKEND ? Reason.BACKEND : Reason.CORRUPT;
    return new KeySetException(reason, "key set '" + keySetId + "' version " + version + ": " + e.getMessage(), e);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    long count() {
      return count;
    }
  }
}
