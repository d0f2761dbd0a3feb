package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an asynchronous operation job needs to run the request again, stored by Batch2 with the job instance:
 * the operation's name and resource type, its parameters as a GET query would carry them (a POSTed Parameters
 * body's primitive values are folded in), and who asked, so that only they (or an administrator) may read the
 * result.
 */
public final class AsyncOperationParameters implements IModelJson {

  @JsonProperty("resourceType")
  private String resourceType;

  @JsonProperty("operation")
  private String operation;

  @JsonProperty("parameters")
  private Map<String, List<String>> parameters = new LinkedHashMap<>();

  @JsonProperty("requester")
  private String requester;

  /** For Jackson. */
  public AsyncOperationParameters() {}

  public AsyncOperationParameters(String resourceType, String operation, Map<String, List<String>> parameters,
      String requester) {
    this.resourceType = resourceType;
    this.operation = operation;
    this.parameters = new LinkedHashMap<>(parameters);
    this.requester = requester;
  }

  public String resourceType() {
    return resourceType;
  }

  public String operation() {
    return operation;
  }

  public Map<String, List<String>> parameters() {
    return parameters;
  }

  public String requester() {
    return requester;
  }
}
