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
      // A modifier (value-quantity:missing) still names the parameter before the colon.
      String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
      if (VALUE_PARAMETERS.contains(base)) {
        throw new InvalidRequestException("search parameter '" + name + "' cannot be used: Observation values are "
            + "stored encrypted (CKKS) and the server cannot compare them with a number. Search by code, subject "
            + "and date instead, and compute on values with the encrypted operations, whose results the key "
            + "custodian decrypts.");
      }
    }
  }
}
