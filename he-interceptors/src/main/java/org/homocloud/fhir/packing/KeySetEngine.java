package org.homocloud.fhir.packing;

import org.homocloud.fhir.keys.KeySetVersion;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.SlotIsolation;
import org.homocloud.he.ckks.bootstrap.Bootstrapper;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.serialization.CiphertextCodec;

/**
 * The engine objects for one key-set version, public material only: encode and encrypt values into slots,
 * add ciphertexts, isolate slots, (de)serialize. Built once per version and shared between threads.
 */
public final class KeySetEngine {

  /**
   * Largest magnitude accepted at ingest (about 2^40). Far beyond any clinical measurement; it fixes the
   * storage level (room to isolate a slot) and bounds what a mask can leave of other records' values.
   */
  public static final double MAX_MAGNITUDE = 1e12;

  private final KeySetVersion version;
  private final CkksParameters parameters;
  private final Encoder encoder;
  private final Encryptor encryptor;
  private final Evaluator evaluator;
  private final SlotIsolation isolation;
  private final CiphertextCodec codec;
  private final int storageLevel;
  private final java.util.function.Supplier<org.homocloud.he.rlwe.EvaluationKeySet> evaluationKeys;
  private final java.util.function.Supplier<java.util.Optional<BootstrappingKeySet>> bootstrappingKeys;
  private volatile org.homocloud.he.rlwe.EvaluationKeySet loadedKeys;
  private volatile Evaluator analyticsEvaluator;
  private volatile BootstrappingEngine bootstrapping;

  public KeySetEngine(KeySetVersion version, CkksParameters parameters, PublicKey publicKey) {
    this(version, parameters, publicKey, () -> {
      throw new IllegalStateException("no evaluation keys for key set '" + version.keySetId() + "'");
    });
  }

  /** @param evaluationKeys loads the version's evaluation keys, once, when analytics first need them */
  public KeySetEngine(KeySetVersion version, CkksParameters parameters, PublicKey publicKey,
      java.util.function.Supplier<org.homocloud.he.rlwe.EvaluationKeySet> evaluationKeys) {
    this(version, parameters, publicKey, evaluationKeys, java.util.Optional::empty);
  }

  /** @param bootstrappingKeys loads the version's bootstrapping key set, once, when logistic regression first needs it */
  public KeySetEngine(KeySetVersion version, CkksParameters parameters, PublicKey publicKey,
      java.util.function.Supplier<org.homocloud.he.rlwe.EvaluationKeySet> evaluationKeys,
      java.util.function.Supplier<java.util.Optional<BootstrappingKeySet>> bootstrappingKeys) {
    this.evaluationKeys = evaluationKeys;
    this.bootstrappingKeys = bootstrappingKeys;
    this.version = version;
    this.parameters = parameters;
    this.encoder = new Encoder(parameters);
    this.encryptor = Encryptor.withPublicKey(publicKey);
    this.evaluator = new Evaluator(parameters, null);
    this.isolation = new SlotIsolation(parameters, publicKey);
    this.codec = new CiphertextCodec(parameters);
    this.storageLevel = StorageLevel.of(parameters, MAX_MAGNITUDE);
  }

  public KeySetVersion version() {
    return version;
  }

  public CkksParameters parameters() {
    return parameters;
  }

  public CiphertextCodec codec() {
    return codec;
  }

  public int slotCount() {
    return 1 << parameters.maxLogSlots();
  }

  public int storageLevel() {
    return storageLevel;
  }

  /** A fresh ciphertext at the storage level with {@code values} in slots from {@code firstSlot}, zeros elsewhere. */
  public Ciphertext encryptInto(double[] values, int firstSlot) {
    double[] slots = new double[slotCount()];
    System.arraycopy(values, 0, slots, firstSlot, values.length);
    return encryptor.encrypt(encoder.encode(slots, null, parameters.maxLogSlots(), storageLevel,
        parameters.defaultScale()));
  }

  /** {@code ct} switched down to the storage level (dropping primes: smaller, same value). */
  public Ciphertext dropToStorageLevel(Ciphertext ct) {
    return ct.level() == storageLevel ? ct : evaluator.dropToLevelNew(ct, storageLevel);
  }

  /** {@code a + b}, for ciphertexts whose used slots are disjoint. */
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    return evaluator.addNew(a, b);
  }

  /** The encoder of these parameters. */
  public Encoder encoder() {
    return encoder;
  }

  /**
   * An evaluator with the version's evaluation keys (relinearization, rotations), for the encrypted
   * operations; the keys (hundreds of megabytes at logN 14) are read from the registry on first use.
   */
  public Evaluator analyticsEvaluator() {
    Evaluator local = analyticsEvaluator;
    if (local == null) {
      synchronized (this) {
        if (analyticsEvaluator == null) {
          analyticsEvaluator = new Evaluator(parameters, loadedEvaluationKeys());
        }
        local = analyticsEvaluator;
      }
    }
    return local;
  }

  /** A fresh public-key encryption of {@code slots} at {@code level} and {@code scale} (plaintext columns). */
  public Ciphertext encrypt(double[] slots, int level, double scale) {
    return encryptor.encrypt(encoder.encode(slots, null, parameters.maxLogSlots(), level, scale));
  }

  /** Whether this version carries bootstrapping keys. */
  public boolean bootstrappable() {
    return version.bootstrappable();
  }

  /**
   * The evaluator (with this version's evaluation keys, on up to two threads) and the bootstrapper of a
   * bootstrappable version, built on first use (the keys are gigabytes at logN 16).
   *
   * @throws IllegalStateException if this version has no bootstrapping keys
   */
  public BootstrappingEngine bootstrapping() {
    BootstrappingEngine local = bootstrapping;
    if (local == null) {
      synchronized (this) {
        if (bootstrapping == null) {
          BootstrappingKeySet keys = bootstrappingKeys.get().orElseThrow(() -> new IllegalStateException(
              "key set '" + version.keySetId() + "' version " + version.version() + " has no bootstrapping keys"));
          Parallelism parallelism = Parallelism.threads(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
          bootstrapping = new BootstrappingEngine(new Evaluator(parameters, loadedEvaluationKeys(), parallelism),
              new Encoder(parameters, parallelism), keys.bootstrapper(parallelism));
        }
        local = bootstrapping;
      }
    }
    return local;
  }

  private org.homocloud.he.rlwe.EvaluationKeySet loadedEvaluationKeys() {
    org.homocloud.he.rlwe.EvaluationKeySet local = loadedKeys;
    if (local == null) {
      synchronized (this) {
        if (loadedKeys == null) {
          loadedKeys = evaluationKeys.get();
        }
        local = loadedKeys;
      }
    }
    return local;
  }

  /** What logistic regression trains with: an evaluator, an encoder and a bootstrapper of one key-set version. */
  public record BootstrappingEngine(Evaluator evaluator, Encoder encoder, Bootstrapper bootstrapper) {
  }

  /** A ciphertext holding only {@code slots} of {@code packed}; see {@link SlotIsolation}. */
  public Ciphertext isolate(Ciphertext packed, int[] slots) {
    return isolation.isolate(packed, slots, MAX_MAGNITUDE);
  }
}
