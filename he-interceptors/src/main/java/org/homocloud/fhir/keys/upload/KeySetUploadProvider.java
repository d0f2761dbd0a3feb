package org.homocloud.fhir.keys.upload;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.keys.KeySetIds;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.KeySetVersion;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.serialization.ParametersCodec;

/**
 * The key custodian's server operations on the {@link KeySetRegistry}: {@code POST [base]/$upload-key-set?keySet=ID}
 * registers a new version from a {@link KeySetUploadFormat} body read straight from the request (HAPI's
 * {@code manualRequest}: the body is never buffered whole, evaluation keys reach gigabytes), and
 * {@code GET [base]/$key-set?keySet=ID} describes the registered versions. Both hold public material only.
 *
 * <p>Errors: a malformed container or key-set id answers 400, material the registry rejects (insecure
 * parameters, keys made under other parameters, truncated or malformed keys) 422, an unknown key set 404;
 * in every case with an OperationOutcome and nothing registered.
 */
public final class KeySetUploadProvider {

  private final KeySetRegistry registry;

  public KeySetUploadProvider(KeySetRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("the key-set upload operation needs a key-set registry");
    }
    this.registry = registry;
  }

  /** Registers the uploaded key set as the newest version of {@code keySet}. */
  @Operation(name = "$upload-key-set", manualRequest = true)
  public Parameters uploadKeySet(
      @OperationParam(name = "keySet", min = 1, max = 1) StringType keySet, RequestDetails request) {
    String keySetId = checkedId(keySet);
    KeySetVersion version;
    try (InputStream body = request.getInputStream()) {
      KeySetUploadFormat.Upload upload = KeySetUploadFormat.readHead(body);
      version = registry.register(keySetId, upload.parameters(), upload.publicKey(),
          upload.bootstrappingKeys(), upload.evaluationKeys());
    } catch (KeySetUploadException e) {
      throw new InvalidRequestException(e.getMessage());
    } catch (KeySetException e) {
      throw fromRegistry(e);
    } catch (IOException e) {
      throw new InvalidRequestException("reading the key-set upload failed, nothing registered: " + e.getMessage());
    }
    Parameters result = new Parameters();
    result.addParameter("keySet", new StringType(version.keySetId()));
    result.addParameter("keySetVersion", new IntegerType(version.version()));
    result.addParameter("fingerprint", new StringType(version.parametersFingerprint()));
    return result;
  }

  /**
   * Describes every version of {@code keySet}: one {@code version} parameter each (oldest first) with parts
   * keySetVersion, fingerprint, created, logN, slots, maxLevel, insecureForTesting, relinearizationKey,
   * galoisKeys (count) and parameters (the serialized parameters, so a client can encrypt under them).
   */
  @Operation(name = "$key-set", idempotent = true)
  public Parameters describeKeySet(@OperationParam(name = "keySet", min = 1, max = 1) StringType keySet) {
    String keySetId = checkedId(keySet);
    try {
      List<KeySetVersion> versions = registry.versions(keySetId);
      if (versions.isEmpty()) {
        throw new ResourceNotFoundException("key set '" + keySetId + "' has no registered version; upload one with $upload-key-set");
      }
      Parameters result = new Parameters();
      result.addParameter("keySet", new StringType(keySetId));
      result.addParameter("activeVersion", new IntegerType(versions.get(versions.size() - 1).version()));
      for (KeySetVersion version : versions) {
        CkksParameters parameters = registry.parameters(version);
        Parameters.ParametersParameterComponent part = result.addParameter().setName("version");
        part.addPart().setName("keySetVersion").setValue(new IntegerType(version.version()));
        part.addPart().setName("fingerprint").setValue(new StringType(version.parametersFingerprint()));
        part.addPart().setName("created").setValue(new StringType(version.created()));
        part.addPart().setName("logN").setValue(new IntegerType(parameters.logN()));
        part.addPart().setName("slots").setValue(new IntegerType(parameters.slots()));
        part.addPart().setName("maxLevel").setValue(new IntegerType(parameters.maxLevel()));
        part.addPart().setName("insecureForTesting").setValue(new BooleanType(parameters.rlwe().isInsecureForTesting()));
        part.addPart().setName("relinearizationKey").setValue(new BooleanType(version.relinearizationKey()));
        part.addPart().setName("galoisKeys").setValue(new IntegerType(version.galoisElements().size()));
        part.addPart().setName("bootstrapping").setValue(new BooleanType(version.bootstrappable()));
        if (version.bootstrappable()) {
          part.addPart().setName("bootstrappingLevelsLeft").setValue(new IntegerType(version.bootstrappingLevelsLeft()));
        }
        part.addPart().setName("parameters").setValue(new Base64BinaryType(
            Base64.getEncoder().encodeToString(ParametersCodec.toBytes(parameters))));
      }
      return result;
    } catch (KeySetException e) {
      throw fromRegistry(e);
    }
  }

  private static String checkedId(StringType keySet) {
    if (keySet == null || keySet.getValue() == null) {
      throw new InvalidRequestException("parameter 'keySet' is required: the id of the key set, 1 to 64 characters of [A-Za-z0-9_-]");
    }
    try {
      return KeySetIds.check(keySet.getValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  private static BaseServerResponseException fromRegistry(KeySetException e) {
    return switch (e.reason()) {
      case REJECTED -> new UnprocessableEntityException(e.getMessage());
      case NOT_FOUND -> new ResourceNotFoundException(e.getMessage());
      case CORRUPT, BACKEND -> new InternalErrorException(e.getMessage(), e);
    };
  }
}
