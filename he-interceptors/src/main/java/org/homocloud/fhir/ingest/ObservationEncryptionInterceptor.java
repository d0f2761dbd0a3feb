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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueWriter;
import org.homocloud.fhir.packing.PackingGroup;
import org.homocloud.fhir.packing.PackingIndex;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.fhir.store.CiphertextStoreException;

/**
 * Encrypts Observation values at ingest, so HAPI's tables never hold them, and checks values that arrive
 * already encrypted.
 *
 * <p><b>Plaintext values</b> ({@code valueQuantity.value}, {@code component[].valueQuantity.value}) are
 * checked (finite, at most {@link KeySetEngine#MAX_MAGNITUDE}, one unit per code), encrypted under the active
 * key set into slots of packing groups by the {@link PackedValueWriter} (durable before the Observation is
 * stored) and replaced by the {@link EncryptedValueExtension}. A transaction or batch Bundle is handled as
 * a whole before HAPI processes it, so its values share ciphertexts; a single create or update packs its own.
 * <b>Encrypted values</b> (a client encrypted and imported them) must name a key-set version the registry
 * has and a slot of a packing group of that version. <b>Elements that may restate a value</b> (narrative,
 * by default also interpretation and notes) are removed. Any refusal happens before anything is written.
 */
@Interceptor
public final class ObservationEncryptionInterceptor {

  /** Elements removed from every value-carrying Observation unless configured otherwise. */
  public static final Set<String> DEFAULT_STRIPPED_ELEMENTS = Set.of("text", "interpretation", "note");

  private final KeySetEngines engines;
  private final PackedValueWriter writer;
  private final PackingIndex index;
  private final CodeUnitRegistry units;
  private final String keySetId;
  private final boolean plaintextIngest;
  private final Set<String> strippedElements;
  private final Map<String, PackingGroup> groups = new ConcurrentHashMap<>();

  /**
   * @param keySetId the key set plaintext values are encrypted under (its newest version)
   * @param plaintextIngest false to refuse plaintext values (deployments that demand client-side encryption)
   * @param strippedElements which of {@code text}, {@code interpretation}, {@code note} to remove
   */
  public ObservationEncryptionInterceptor(KeySetEngines engines, PackedValueWriter writer, PackingIndex index,
      CodeUnitRegistry units, String keySetId, boolean plaintextIngest, Set<String> strippedElements) {
    this.engines = engines;
    this.writer = writer;
    this.index = index;
    this.units = units;
    this.keySetId = keySetId;
    this.plaintextIngest = plaintextIngest;
    this.strippedElements = Set.copyOf(strippedElements);
    for (String element : strippedElements) {
      if (!DEFAULT_STRIPPED_ELEMENTS.contains(element)) {
        throw new IllegalArgumentException("cannot strip '" + element + "': supported are " + DEFAULT_STRIPPED_ELEMENTS);
      }
    }
  }

  /** Encrypts the values of a whole transaction or batch together, so they share ciphertexts. */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void beforeTransaction(IBaseBundle bundle) {
    if (!(bundle instanceof Bundle r4)) {
      return;
    }
    List<Observation> observations = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : r4.getEntry()) {
      Bundle.HTTPVerb method = entry.getRequest().getMethod();
      if (entry.getResource() instanceof Observation observation
          && (method == Bundle.HTTPVerb.POST || method == Bundle.HTTPVerb.PUT)) {
        observations.add(observation);
      }
    }
    encryptAndCheck(observations);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void beforeCreate(IBaseResource resource) {
    if (resource instanceof Observation observation) {
      encryptAndCheck(List.of(observation));
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void beforeUpdate(IBaseResource previous, IBaseResource updated) {
    beforeCreate(updated);
  }

  /** Checks every value of {@code observations}, then encrypts the plaintext ones together. */
  void encryptAndCheck(List<Observation> observations) {
    List<Quantity> plaintext = new ArrayList<>();
    for (Observation observation : observations) {
      for (CodedQuantity coded : quantities(observation)) {
        if (coded.quantity.getValueElement().getValue() != null) {
          checkPlaintext(coded);
          plaintext.add(coded.quantity);
        } else if (EncryptedValueExtension.isPresent(coded.quantity)) {
          checkEncrypted(coded.quantity);
          checkUnit(coded);
        }
      }
    }
    if (!plaintext.isEmpty()) {
      KeySetEngine engine = activeEngine();
      double[] values = new double[plaintext.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = plaintext.get(i).getValue().doubleValue();
      }
      List<ValueLocation> locations;
      try {
        locations = writer.write(engine, values);
      } catch (CiphertextStoreException | IllegalStateException e) {
        throw new InternalErrorException("could not store the ciphertexts of Observation values: " + e.getMessage(), e);
      }
      for (int i = 0; i < values.length; i++) {
        EncryptedValueExtension.replaceValue(plaintext.get(i), locations.get(i));
      }
    }
    for (Observation observation : observations) {
      if (!quantities(observation).isEmpty()) {
        strip(observation);
      }
    }
  }

  private void checkPlaintext(CodedQuantity coded) {
    if (!plaintextIngest) {
      throw new UnprocessableEntityException("this server accepts Observation values only encrypted client-side "
          + "(extension " + EncryptedValueExtension.URL + "); encrypt them with './homocloud load --encrypt'");
    }
    BigDecimal value = coded.quantity.getValue();
    double asDouble = value.doubleValue();
    if (!Double.isFinite(asDouble) || Math.abs(asDouble) > KeySetEngine.MAX_MAGNITUDE) {
      throw new UnprocessableEntityException("Observation value " + abbreviate(value)
          + " cannot be encrypted: its magnitude must be finite and at most " + KeySetEngine.MAX_MAGNITUDE);
    }
    checkUnit(coded);
  }

  private void checkUnit(CodedQuantity coded) {
    String codeKey = codeKey(coded.code);
    if (codeKey == null) {
      return; // no code, nothing to be consistent with
    }
    CodeUnitRegistry.Unit unit = UnitKeys.of(coded.quantity);
    units.conflict(codeKey, unit).ifPresent(known -> {
      throw new UnprocessableEntityException("unit '" + unit.display() + "' does not match unit '" + known.display()
          + "' already used for code " + codeKey + ": encrypted values cannot be converted later, so each code keeps "
          + "one unit; convert the value before posting");
    });
  }

  private void checkEncrypted(Quantity quantity) {
    ValueLocation location;
    try {
      location = EncryptedValueExtension.read(quantity).orElseThrow();
    } catch (IllegalArgumentException e) {
      throw new UnprocessableEntityException(e.getMessage());
    }
    try {
      engines.version(location.keySetId(), location.keySetVersion());
    } catch (KeySetException e) {
      throw new UnprocessableEntityException("encrypted value names key set '" + location.keySetId() + "' version "
          + location.keySetVersion() + ", which this server does not have: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UnprocessableEntityException("encrypted value names a malformed key set: " + e.getMessage());
    }
    PackingGroup group = knownGroup(location.groupId());
    if (!group.keySetId().equals(location.keySetId()) || group.keySetVersion() != location.keySetVersion()) {
      throw new UnprocessableEntityException("packing group '" + location.groupId() + "' is under key set '"
          + group.keySetId() + "' version " + group.keySetVersion() + ", not the one the value names");
    }
    if (location.slot() < 0 || location.slot() >= group.slotCount()) {
      throw new UnprocessableEntityException("slot " + location.slot() + " is outside packing group '"
          + location.groupId() + "' (slots 0 to " + (group.slotCount() - 1) + ")");
    }
  }

  /**
   * The group named by an encrypted value. Cached: a transaction's entries name the same few groups, and
   * what is checked here (key set, version, slot count) never changes once a group exists.
   */
  private PackingGroup knownGroup(String groupId) {
    PackingGroup cached = groups.get(groupId);
    if (cached != null) {
      return cached;
    }
    PackingGroup group = index.group(groupId).orElseThrow(() -> new UnprocessableEntityException(
        "encrypted value names packing group '" + groupId + "', which does not exist: import the "
            + "ciphertext with $import-ciphertext first"));
    if (groups.size() > 10_000) {
      groups.clear();
    }
    groups.put(groupId, group);
    return group;
  }

  private KeySetEngine activeEngine() {
    try {
      return engines.active(keySetId).orElseThrow(() -> new PreconditionFailedException("Observation values are "
          + "stored encrypted, and there is no active key set '" + keySetId + "': upload one first "
          + "('./homocloud keys create --upload')"));
    } catch (KeySetException e) {
      throw new InternalErrorException("key set '" + keySetId + "' cannot be read: " + e.getMessage(), e);
    }
  }

  private void strip(Observation observation) {
    if (strippedElements.contains("text")) {
      observation.setText(null);
    }
    if (strippedElements.contains("interpretation")) {
      observation.setInterpretation(null);
      observation.getComponent().forEach(c -> c.setInterpretation(null));
    }
    if (strippedElements.contains("note")) {
      observation.setNote(null);
    }
  }

  private static List<CodedQuantity> quantities(Observation observation) {
    List<CodedQuantity> quantities = new ArrayList<>();
    if (observation.hasValueQuantity()) {
      quantities.add(new CodedQuantity(observation.getCode(), observation.getValueQuantity()));
    }
    for (Observation.ObservationComponentComponent component : observation.getComponent()) {
      if (component.hasValueQuantity()) {
        quantities.add(new CodedQuantity(component.getCode(), component.getValueQuantity()));
      }
    }
    return quantities;
  }

  private static String codeKey(CodeableConcept code) {
    for (Coding coding : code.getCoding()) {
      if (coding.hasCode()) {
        return coding.getSystem() + "|" + coding.getCode();
      }
    }
    return null;
  }

  private static String abbreviate(BigDecimal value) {
    String text = value.toString();
    return text.length() > 32 ? text.substring(0, 32) + "..." : text;
  }

  private record CodedQuantity(CodeableConcept code, Quantity quantity) {}
}
