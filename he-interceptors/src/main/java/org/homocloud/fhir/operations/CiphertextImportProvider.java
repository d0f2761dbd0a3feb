package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackingGroup;
import org.homocloud.fhir.packing.PackingIndex;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code POST [base]/$import-ciphertext?keySet=ID&keySetVersion=N&count=K}, body one serialized ciphertext
 * ({@code application/octet-stream}): the client-side encryption path. A client that encrypted and packed K
 * values itself (slots 0 to K-1) imports the ciphertext as a packing group of its own, then posts
 * Observations whose encrypted-value extensions name that group and their slots; the server never sees
 * those plaintexts.
 *
 * <p>Before anything is stored the ciphertext is parsed against the named key-set version (its parameter
 * fingerprint must match), must be fully packed, at or above the storage level (it is switched down to it:
 * smaller, and the level slot isolation needs) and at the parameters' default scale. Malformed bytes give
 * 400, oversized 413, an unknown key set or a mismatch 422, each as an OperationOutcome.
 */
public final class CiphertextImportProvider {

  private final KeySetEngines engines;
  private final PackingIndex index;
  private final CiphertextStore store;

  public CiphertextImportProvider(KeySetEngines engines, PackingIndex index, CiphertextStore store) {
    this.engines = engines;
    this.index = index;
    this.store = store;
  }

  @Operation(name = "$import-ciphertext", manualRequest = true)
  public Parameters importCiphertext(RequestDetails request) {
    String keySetId = required(request, "keySet");
    int version = integer(request, "keySetVersion");
    int count = integer(request, "count");
    KeySetEngine engine;
    try {
      engine = engines.version(keySetId, version);
    } catch (KeySetException | IllegalArgumentException e) {
      throw new UnprocessableEntityException("unknown key set '" + keySetId + "' version " + version + ": "
          + e.getMessage());
    }
    if (count < 1 || count > engine.slotCount()) {
      throw new UnprocessableEntityException("count must be between 1 and " + engine.slotCount() + ": " + count);
    }
    Ciphertext ct = parse(engine, readBounded(request, maxBytes(engine.parameters())));
    CkksParameters parameters = engine.parameters();
    if (ct.degree() != 1 || ct.logSlots() != parameters.maxLogSlots()) {
      throw new UnprocessableEntityException("the ciphertext must be a fresh, fully packed one (degree 1, logSlots "
          + parameters.maxLogSlots() + "), not degree " + ct.degree() + " with logSlots " + ct.logSlots());
    }
    if (ct.level() < engine.storageLevel()) {
      throw new UnprocessableEntityException("the ciphertext is at level " + ct.level() + "; stored values need level "
          + engine.storageLevel() + " or more under these parameters");
    }
    double logScale = Math.log(ct.scale()) / Math.log(2);
    double logDefault = Math.log(parameters.defaultScale()) / Math.log(2);
    if (Math.abs(logScale - logDefault) > 1) {
      throw new UnprocessableEntityException(String.format("the ciphertext's scale 2^%.2f must be the parameters' "
          + "default scale 2^%.2f", logScale, logDefault));
    }
    Ciphertext stored = engine.dropToStorageLevel(ct);
    String groupId = "c-" + UUID.randomUUID();
    String blobId = groupId + ".packed." + UUID.randomUUID();
    try {
      store.put(blobId, engine.codec().toBytes(stored));
      index.insertGroup(new PackingGroup(groupId, keySetId, version, PackingGroup.Origin.CLIENT, count, blobId));
    } catch (CiphertextStoreException e) {
      throw new InternalErrorException("could not store the imported ciphertext: " + e.getMessage(), e);
    }
    Parameters result = new Parameters();
    result.addParameter().setName("group").setValue(new StringType(groupId));
    result.addParameter().setName("count").setValue(new IntegerType(count));
    result.addParameter().setName("level").setValue(new IntegerType(stored.level()));
    return result;
  }

  /** A serialized ciphertext at the top level, plus room for the header. */
  private static long maxBytes(CkksParameters parameters) {
    long bits = parameters.rlwe().ringQ().modulusProduct(parameters.maxLevel() + 1).bitLength() + 64L;
    return 2L * parameters.n() * bits / 8 + 4096;
  }

  private static Ciphertext parse(KeySetEngine engine, byte[] bytes) {
    try {
      return engine.codec().fromBytes(bytes);
    } catch (HeException e) {
      throw new InvalidRequestException("the body is not a ciphertext under key set '" + engine.version().keySetId()
          + "' version " + engine.version().version() + ": " + e.getMessage());
    }
  }

  private static byte[] readBounded(RequestDetails request, long max) {
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw new PayloadTooLargeException("a ciphertext under these parameters is at most " + max + " bytes");
      }
      if (bytes.length == 0) {
        throw new InvalidRequestException("the body is empty: send one serialized ciphertext (application/octet-stream)");
      }
      return bytes;
    } catch (IOException e) {
      throw new InvalidRequestException("could not read the body: " + e.getMessage());
    }
  }

  private static String required(RequestDetails request, String name) {
    String[] values = request.getParameters().get(name);
    if (values == null || values.length != 1 || values[0].isBlank()) {
      throw new InvalidRequestException("parameter '" + name + "' is required exactly once");
    }
    return values[0];
  }

  private static int integer(RequestDetails request, String name) {
    String value = required(request, name);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("parameter '" + name + "' must be an integer: '" + value + "'");
    }
  }
}
