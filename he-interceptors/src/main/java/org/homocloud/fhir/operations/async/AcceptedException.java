package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;

/**
 * 202 Accepted for an asynchronous request, with the status URL in {@code Content-Location} and an informational
 * OperationOutcome as the body (which FHIR's asynchronous pattern allows). An exception because the request is
 * answered from an interceptor, before HAPI calls the operation: HAPI writes a thrown response's status, headers
 * and OperationOutcome as they are.
 */
final class AcceptedException extends BaseServerResponseException {

  private static final long serialVersionUID = 1L;

  AcceptedException(FhirContext fhirContext, String statusUrl, String jobId) {
    super(Constants.STATUS_HTTP_202_ACCEPTED, "accepted as job " + jobId + "; poll " + statusUrl);
    IBaseOperationOutcome outcome = OperationOutcomeUtil.newInstance(fhirContext);
    OperationOutcomeUtil.addIssue(fhirContext, outcome, "information", getMessage(), null, "informational");
    setOperationOutcome(outcome);
    addResponseHeader(Constants.HEADER_CONTENT_LOCATION, statusUrl);
  }
}
