package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code GET [base]/Observation/ID/$encrypted-value}: the encrypted values of one Observation, each as a
 * ciphertext that holds that value's slot and nothing of any other record (see
 * {@link org.homocloud.he.ckks.SlotIsolation}). The Observation is read through HAPI with the caller's
 * request, so whatever authorizes a read of it authorizes this, and nothing more.
 *
 * <p>Result: a {@code Parameters} with one {@code value} per encrypted quantity, parts {@code path},
 * {@code keySet}, {@code keySetVersion}, {@code slot}, {@code unit}, {@code code}, {@code ciphertext} (the engine's
 * serialized ciphertext; decrypt, decode, read the slot).
 */
public final class EncryptedValueProvider {

  /** Reads an Observation as the caller (the JPA DAO in a server). */
  @FunctionalInterface
  public interface ObservationReader {
    Observation read(IdType id, RequestDetails request);
  }

  private final ObservationReader reader;
  private final PackedValueReader values;
  private final KeySetEngines engines;

  public EncryptedValueProvider(ObservationReader reader, PackedValueReader values, KeySetEngines engines) {
    this.reader = reader;
    this.values = values;
    this.engines = engines;
  }

  @Operation(name = "$encrypted-value", typeName = "Observation", idempotent = true)
  public Parameters encryptedValue(@IdParam IdType id, RequestDetails request) {
    Observation observation = reader.read(id, request);
    Parameters result = new Parameters();
    if (observation.hasValueQuantity()) {
      add(result, "valueQuantity", observation.getValueQuantity(), observation.getCode());
    }
    for (int i = 0; i < observation.getComponent().size(); i++) {
      Observation.ObservationComponentComponent component = observation.getComponent().get(i);
      if (component.hasValueQuantity()) {
        add(result, "component[" + i + "].valueQuantity", component.getValueQuantity(), component.getCode());
      }
    }
    if (result.getParameter().isEmpty()) {
      throw new UnprocessableEntityException("Observation/" + id.getIdPart() + " has no encrypted value");
    }
    return result;
  }

  private void add(Parameters result, String path, Quantity quantity, org.hl7.fhir.r4.model.CodeableConcept code) {
    ValueLocation location;
    try {
      location = EncryptedValueExtension.read(quantity).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new InternalErrorException("stored encrypted value at " + path + " is malformed: " + e.getMessage(), e);
    }
    if (location == null) {
      return;
    }
    Ciphertext isolated;
    KeySetEngine engine;
    try {
      engine = engines.version(location.keySetId(), location.keySetVersion());
      isolated = values.isolated(location);
    } catch (CiphertextStoreException | KeySetException | IllegalArgumentException e) {
      throw new InternalErrorException("the ciphertext of " + path + " cannot be read: " + e.getMessage(), e);
    }
    Parameters.ParametersParameterComponent value = result.addParameter().setName("value");
    value.addPart().setName("path").setValue(new StringType(path));
    value.addPart().setName("keySet").setValue(new StringType(location.keySetId()));
    value.addPart().setName("keySetVersion").setValue(new IntegerType(location.keySetVersion()));
    value.addPart().setName("slot").setValue(new IntegerType(location.slot()));
    if (quantity.hasUnit() || quantity.hasCode()) {
      value.addPart().setName("unit").setValue(new StringType(quantity.hasUnit() ? quantity.getUnit() : quantity.getCode()));
    }
    if (code.hasCoding()) {
      value.addPart().setName("code").setValue(code.getCodingFirstRep().copy());
    }
    value.addPart().setName("ciphertext").setValue(new Base64BinaryType(engine.codec().toBytes(isolated)));
  }
}
