package org.homocloud.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.KeySetVersion;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.serialization.CiphertextCodec;

/**
 * Encrypts Observation values at ingest, so HAPI's tables never hold them: before an Observation is
 * stored (create, update, and each entry of a transaction), every {@code valueQuantity.value} and
 * {@code component[].valueQuantity.value} is encrypted under the active key set's public key, the
 * ciphertext is put durably into the {@link CiphertextStore}, and the decimal is replaced by an
 * {@value #EXTENSION_URL} extension on the primitive that names the key set, its version and the blob.
 *
 * <p>Code, unit, system, subject and dates stay; the narrative ({@code text}) is removed because it may
 * restate the value. NaN, infinite and values beyond {@link #MAX_MAGNITUDE} are refused with 422 and
 * nothing is stored; without a registered key set every value-carrying Observation is refused with 412.
 *
 * <p>This first slice puts one value in one ciphertext (slot 0 of a one-slot encoding): simple and durable
 * at once, but a ciphertext per value costs kilobytes. Packing many values per ciphertext is the next step.
 * A transaction that fails after its values were encrypted leaves orphan blobs (never referenced, to be
 * collected), never a stored Observation without its blob.
 */
@Interceptor
public final class ObservationEncryptionInterceptor {

  /** The primitive extension that stands for an encrypted {@code Quantity.value}. */
  public static final String EXTENSION_URL = "http://homocloud.org/fhir/StructureDefinition/encrypted-value";
  /** Sub-extension: the key-set id (valueString). */
  public static final String KEY_SET = "keySet";
  /** Sub-extension: the key-set version (valueInteger). */
  public static final String KEY_SET_VERSION = "keySetVersion";
  /** Sub-extension: the ciphertext's blob id in the ciphertext store (valueString). */
  public static final String BLOB = "blob";
  /** Sub-extension: which slot of the ciphertext holds this value (valueInteger; always 0 until packing). */
  public static final String SLOT = "slot";
  /** Sub-extension: the ciphertext's level (valueInteger). */
  public static final String LEVEL = "level";
  /** Sub-extension: log2 of the ciphertext's scale (valueDecimal). */
  public static final String LOG_SCALE = "logScale";

  /**
   * Largest magnitude accepted (about 2^40). Far beyond any clinical measurement; times a scale of 2^50
   * it stays far inside the top ciphertext modulus of the default logN 14 preset (log Q 310 bits), so a
   * value is refused before its encoding could wrap around. Headroom for sums is the operations' concern.
   */
  public static final double MAX_MAGNITUDE = 1e12;

  private final KeySetRegistry registry;
  private final CiphertextStore store;
  private final String keySetId;
  private volatile Keys keys;

  /**
   * @param registry where the active public key comes from
   * @param store where ciphertexts are put
   * @param keySetId the key set values are encrypted under (its newest version)
   */
  public ObservationEncryptionInterceptor(KeySetRegistry registry, CiphertextStore store, String keySetId) {
    this.registry = registry;
    this.store = store;
    this.keySetId = keySetId;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void beforeCreate(IBaseResource resource) {
    encryptValues(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void beforeUpdate(IBaseResource previous, IBaseResource updated) {
    encryptValues(updated);
  }

  /** Replaces every plaintext quantity value of an Observation by its encrypted-value extension. */
  public void encryptValues(IBaseResource resource) {
    if (!(resource instanceof Observation observation)) {
      return;
    }
    List<Quantity> quantities = plaintextQuantities(observation);
    if (quantities.isEmpty()) {
      return;
    }
    // Check every value before any ciphertext is written, so a refused Observation stores nothing.
    for (Quantity quantity : quantities) {
      check(quantity.getValue());
    }
    Keys current = currentKeys();
    for (Quantity quantity : quantities) {
      double value = quantity.getValue().doubleValue();
      Ciphertext ct = current.encrypt(value);
      String blobId = "ct." + keySetId + ".v" + current.record.version() + "." + UUID.randomUUID();
      try {
        store.put(blobId, current.codec.toBytes(ct));
      } catch (CiphertextStoreException e) {
        throw new InternalErrorException("could not store the ciphertext of an Observation value: " + e.getMessage(), e);
      }
      quantity.getValueElement().setValue((BigDecimal) null);
      quantity.getValueElement().addExtension(extension(current.record, blobId, ct));
    }
    // The narrative may restate the value in words or a table; it is dropped, not regenerated.
    observation.setText(null);
  }

  private static List<Quantity> plaintextQuantities(Observation observation) {
    List<Quantity> quantities = new ArrayList<>();
    if (observation.hasValueQuantity() && hasPlaintext(observation.getValueQuantity())) {
      quantities.add(observation.getValueQuantity());
    }
    for (Observation.ObservationComponentComponent component : observation.getComponent()) {
      if (component.hasValueQuantity() && hasPlaintext(component.getValueQuantity())) {
        quantities.add(component.getValueQuantity());
      }
    }
    return quantities;
  }

  /** Whether the decimal itself is present; {@code hasValue()} is also true for an extension alone. */
  static boolean hasPlaintext(Quantity quantity) {
    return quantity.getValueElement().getValue() != null;
  }

  private static void check(BigDecimal value) {
    // A BigDecimal holds neither NaN nor infinity; those arrive as magnitudes beyond any double.
    double asDouble = value.doubleValue();
    if (!Double.isFinite(asDouble) || Math.abs(asDouble) > MAX_MAGNITUDE) {
      throw new UnprocessableEntityException("Observation value " + abbreviate(value)
          + " cannot be encrypted: its magnitude must be finite and at most " + MAX_MAGNITUDE);
    }
  }

  private static String abbreviate(BigDecimal value) {
    String text = value.toString();
    return text.length() > 32 ? text.substring(0, 32) + "..." : text;
  }

  private static Extension extension(KeySetVersion record, String blobId, Ciphertext ct) {
    Extension extension = new Extension(EXTENSION_URL);
    extension.addExtension(KEY_SET, new StringType(record.keySetId()));
    extension.addExtension(KEY_SET_VERSION, new IntegerType(record.version()));
    extension.addExtension(BLOB, new StringType(blobId));
    extension.addExtension(SLOT, new IntegerType(0));
    extension.addExtension(LEVEL, new IntegerType(ct.level()));
    extension.addExtension(LOG_SCALE, new DecimalType(Math.log(ct.scale()) / Math.log(2)));
    return extension;
  }

  private Keys currentKeys() {
    KeySetVersion active;
    try {
      active = registry.active(keySetId).orElse(null);
    } catch (KeySetException e) {
      throw new InternalErrorException("key set '" + keySetId + "' cannot be read: " + e.getMessage(), e);
    }
    if (active == null) {
      throw new PreconditionFailedException("Observation values are stored encrypted, and there is no active key set '"
          + keySetId + "': upload one first");
    }
    Keys cached = keys;
    if (cached != null && cached.record.equals(active)) {
      return cached;
    }
    CkksParameters parameters = registry.parameters(active);
    Keys loaded = new Keys(active, new Encoder(parameters),
        Encryptor.withPublicKey(registry.publicKey(active)), new CiphertextCodec(parameters));
    keys = loaded;
    return loaded;
  }

  /** The engine objects for one key-set version; the parameters are the registry's, not a preset here. */
  private record Keys(KeySetVersion record, Encoder encoder, Encryptor encryptor, CiphertextCodec codec) {

    Ciphertext encrypt(double value) {
      CkksParameters parameters = encoder.parameters();
      // One slot (logSlots 0): one value per ciphertext until packing lands.
      return encryptor.encrypt(encoder.encode(new double[] {value}, null, 0, parameters.maxLevel(),
          parameters.defaultScale()));
    }
  }
}
