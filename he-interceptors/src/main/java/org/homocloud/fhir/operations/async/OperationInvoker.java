package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.ResourceBinding;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.method.OperationMethodBinding;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.homocloud.fhir.operations.OperationProgress;

/**
 * Runs a type-level operation as an HTTP GET with the given parameters would, through HAPI's own binding of the
 * provider method (the same parameter parsing and the same method as the synchronous request), but as a system
 * request with no interceptors: authorization was decided when the job was accepted.
 */
public final class OperationInvoker {

  private final RestfulServer server;

  public OperationInvoker(RestfulServer server) {
    this.server = server;
  }

  /** The operation's result; its failures are the exceptions the synchronous request would have answered. */
  public IBaseResource invoke(AsyncOperationParameters parameters, OperationProgress progress) {
    SystemRequestDetails request = new SystemRequestDetails(new InterceptorService());
    request.setServer(server);
    request.setFhirContext(server.getFhirContext());
    request.setRequestType(RequestTypeEnum.GET);
    request.setRestOperationType(RestOperationTypeEnum.EXTENDED_OPERATION_TYPE);
    request.setResourceName(parameters.resourceType());
    request.setOperation(parameters.operation());
    Map<String, String[]> query = new LinkedHashMap<>();
    parameters.parameters().forEach((name, values) -> query.put(name, values.toArray(String[]::new)));
    request.setParameters(query);
    request.getUserData().put(OperationProgress.USER_DATA_KEY, progress);
    return binding(parameters.resourceType(), parameters.operation()).doInvokeServer(server, request);
  }

  private OperationMethodBinding binding(String resourceType, String operation) {
    for (ResourceBinding resource : server.getResourceBindings()) {
      if (!resource.getResourceName().equals(resourceType)) {
        continue;
      }
      for (BaseMethodBinding method : resource.getMethodBindings()) {
        if (method instanceof OperationMethodBinding binding && binding.getName().equals(operation)) {
          return binding;
        }
      }
    }
    throw new InvalidRequestException("no operation " + operation + " on " + resourceType + " on this server");
  }

  /** Whether {@code resourceType} has the type-level operation {@code operation} here. */
  public boolean exists(String resourceType, String operation) {
    try {
      binding(resourceType, operation);
      return true;
    } catch (InvalidRequestException e) {
      return false;
    }
  }
}
