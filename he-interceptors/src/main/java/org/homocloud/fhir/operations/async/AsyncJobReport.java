package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.model.api.IModelJson;
import ca.uhn.fhir.util.JsonUtil;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a running or ended asynchronous job has to say, kept in its Batch2 instance's report: progress while it
 * runs, then either where its result is stored or the HTTP status and OperationOutcome the synchronous call
 * would have answered. The result itself is not here: it can be megabytes of ciphertexts, and Batch2 reads the
 * report with the instance on every maintenance pass.
 */
public final class AsyncJobReport implements IModelJson {

  @JsonProperty("done")
  private int done;

  @JsonProperty("total")
  private int total;

  @JsonProperty("result")
  private String resultId;

  @JsonProperty("failureStatus")
  private Integer failureStatus;

  @JsonProperty("failureOutcome")
  private String failureOutcome;

  /** For Jackson. */
  public AsyncJobReport() {}

  /** The report in {@code json}; an empty one for a job that has not reported yet. */
  public static AsyncJobReport parse(String json) {
    return json == null || json.isBlank() ? new AsyncJobReport() : JsonUtil.deserialize(json, AsyncJobReport.class);
  }

  String toJson() {
    return JsonUtil.serialize(this, false);
  }

  public int done() {
    return done;
  }

  public int total() {
    return total;
  }

  /** The stored result's id, once the operation succeeded. */
  public String resultId() {
    return resultId;
  }

  /** The status code the operation failed with (e.g. 422), if it failed. */
  public Integer failureStatus() {
    return failureStatus;
  }

  /** The OperationOutcome (JSON) the operation failed with, if it failed. */
  public String failureOutcome() {
    return failureOutcome;
  }

  AsyncJobReport progress(int done, int total) {
    this.done = done;
    this.total = total;
    return this;
  }

  AsyncJobReport succeeded(String resultId) {
    this.resultId = resultId;
    this.done = total;
    return this;
  }

  AsyncJobReport failed(int status, String outcomeJson) {
    this.failureStatus = status;
    this.failureOutcome = outcomeJson;
    return this;
  }
}
