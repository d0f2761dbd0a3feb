package org.homocloud.fhir.operations;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.Set;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.operations.async.Requesters;

/**
 * Applies {@link LargeCiphertexts} to the synchronous answers of the encrypted operations, as they leave the server,
 * with the requester as the owner of each Binary. (An asynchronous job applies it when it stores its result.)
 */
@Interceptor
public final class LargeResultInterceptor {

  private final LargeCiphertexts largeCiphertexts;
  private final Requesters requesters;
  private final Set<String> operations;

  /** @param operations the type-level operations whose results are treated, e.g. {@code $encrypted-mean} */
  public LargeResultInterceptor(LargeCiphertexts largeCiphertexts, Requesters requesters, Set<String> operations) {
    this.largeCiphertexts = largeCiphertexts;
    this.requesters = requesters;
    this.operations = Set.copyOf(operations);
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void referenceLargeCiphertexts(RequestDetails request, ResponseDetails response) {
    if (request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
        && operations.contains(request.getOperation())
        && response.getResponseResource() instanceof Parameters result) {
      largeCiphertexts.referenceLarge(result, requesters.of(request));
    }
  }
}
