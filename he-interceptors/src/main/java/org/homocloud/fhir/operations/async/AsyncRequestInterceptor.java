package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Turns a request for one of the long operations that carries {@code Prefer: respond-async} into a Batch2 job
 * (FHIR's asynchronous request pattern): answers 202 Accepted with the job's status URL in
 * {@code Content-Location} instead of running the operation. It acts after HAPI's authorization has allowed the
 * request (a later hook on the same pointcut), so a job is only ever started for a request that could have run.
 */
@Interceptor
public final class AsyncRequestInterceptor {

  /** After the authorization interceptor's hook on the same pointcut. */
  public static final int ORDER = 1000;

  private final AsyncJobs jobs;
  private final Requesters requesters;
  private final FhirContext fhirContext;
  private final Set<String> operations;

  /** @param operations the type-level operations (e.g. {@code $encrypted-mean}) that may run asynchronously */
  public AsyncRequestInterceptor(AsyncJobs jobs, Requesters requesters, FhirContext fhirContext,
      Set<String> operations) {
    this.jobs = jobs;
    this.requesters = requesters;
    this.fhirContext = fhirContext;
    this.operations = Set.copyOf(operations);
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = ORDER)
  public void startJobInsteadOfRunning(RequestDetails request, RestOperationTypeEnum operationType) {
    if (operationType != RestOperationTypeEnum.EXTENDED_OPERATION_TYPE || !operations.contains(request.getOperation())
        || !prefersAsync(request.getHeader("Prefer"))) {
      return;
    }
    AsyncOperationParameters parameters = new AsyncOperationParameters(request.getResourceName(),
        request.getOperation(), parameters(request), requesters.of(request));
    String jobId = jobs.start(parameters);
    throw new AcceptedException(fhirContext, statusUrl(request.getFhirServerBase(), jobId), jobId);
  }

  /** {@code [base]/$async-status?job=ID}. */
  public static String statusUrl(String serverBase, String jobId) {
    return serverBase + "/" + AsyncStatusProvider.OPERATION + "?" + AsyncStatusProvider.JOB_PARAMETER + "=" + jobId;
  }

  static boolean prefersAsync(String prefer) {
    if (prefer == null) {
      return false;
    }
    return Arrays.stream(prefer.split("[,;]")).map(String::trim).anyMatch("respond-async"::equalsIgnoreCase);
  }

  /** The query's parameters, and a POSTed Parameters body's primitive values, as a GET would carry them. */
  private static Map<String, List<String>> parameters(RequestDetails request) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    request.getParameters().forEach((name, values) -> parameters.put(name, new ArrayList<>(List.of(values))));
    if (request.getResource() instanceof Parameters body) {
      for (Parameters.ParametersParameterComponent parameter : body.getParameter()) {
        if (parameter.getValue() == null || !parameter.getValue().isPrimitive() || parameter.hasPart()
            || parameter.hasResource()) {
          throw new InvalidRequestException("parameter '" + parameter.getName() + "' is not a primitive value: "
              + "asynchronous requests take the operation's parameters as a GET query would");
        }
        parameters.computeIfAbsent(parameter.getName(), k -> new ArrayList<>())
            .add(parameter.getValue().primitiveValue());
      }
    }
    return parameters;
  }
}
