package org.homocloud.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Map;
import java.util.Set;

/**
 * Refuses searches on encrypted Observation values with 400 and an OperationOutcome, so a client never
 * mistakes a silently empty result for "no such values": the server cannot compare ciphertexts with a
 * number, and answers questions about values only through the encrypted operations.
 */
@Interceptor
public final class EncryptedValueSearchInterceptor {

  /** The R4 search parameters that compare a stored Observation value. */
  public static final Set<String> VALUE_PARAMETERS =
      Set.of("value-quantity", "component-value-quantity", "combo-value-quantity");

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void refuseValueSearch(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.SEARCH_TYPE && operation != RestOperationTypeEnum.SEARCH_SYSTEM) {
      return;
    }
    Map<String, String[]> parameters = request.getParameters();
    if (parameters == null) {
      return;
    }
    for (String name : parameters.keySet()) {
      if (namesValueParameter(name)) {
        throw new InvalidRequestException("search parameter '" + name + "' cannot be used: Observation values are "
            + "stored encrypted (CKKS) and the server cannot compare them with a number. Search by code, subject "
            + "and date instead, and compute on values with the encrypted operations, whose results the key "
            + "custodian decrypts.");
      }
    }
  }

  /**
   * Whether a search parameter name compares values: {@code value-quantity}, with a modifier
   * ({@code value-quantity:missing}), or at the end of a reverse chain
   * ({@code _has:Observation:subject:value-quantity}).
   */
  static boolean namesValueParameter(String name) {
    String[] parts = name.split(":");
    if (VALUE_PARAMETERS.contains(parts[0])) {
      return true;
    }
    return parts[0].equals("_has") && parts.length >= 4 && VALUE_PARAMETERS.contains(parts[3]);
  }
}
