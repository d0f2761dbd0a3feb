package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * The status URL of an asynchronous operation, {@code [base]/$async-status?job=ID} (FHIR's asynchronous request
 * pattern):
 *
 * <ul>
 *   <li>GET while the job is queued or running: 202 with {@code X-Progress} ("3/7 units (42%)") and
 *       {@code Retry-After};
 *   <li>GET when it has succeeded: 200 and exactly the body the synchronous request would have answered (the
 *       operation's Parameters), with {@code Expires} when the result will be removed;
 *   <li>GET when the operation failed: the status and OperationOutcome the synchronous request would have
 *       answered (e.g. 422 for a cohort below the minimum); 500 if the job failed for another reason;
 *   <li>DELETE: cancels a running job, or removes an ended one and its result (202); afterwards 404;
 *   <li>404 for a job that does not exist, has expired, was cancelled, or belongs to another client (so a job id
 *       reveals nothing to anyone but its requester and administrators).
 * </ul>
 */
public final class AsyncStatusProvider {

  public static final String OPERATION = "$async-status";

  public static final String JOB_PARAMETER = "job";

  /** Seconds a client should wait between polls of a running job. */
  static final int RETRY_AFTER_SECONDS = 2;

  private final AsyncJobs jobs;
  private final AsyncResultStore results;
  private final Requesters requesters;
  private final FhirContext fhirContext;

  public AsyncStatusProvider(AsyncJobs jobs, AsyncResultStore results, Requesters requesters,
      FhirContext fhirContext) {
    this.jobs = jobs;
    this.results = results;
    this.requesters = requesters;
    this.fhirContext = fhirContext;
  }

  @Operation(name = OPERATION, manualResponse = true, idempotent = true, deleteEnabled = true)
  public void status(
      @OperationParam(name = JOB_PARAMETER, min = 1, max = 1, typeName = "string") IPrimitiveType<String> job,
      ServletRequestDetails request) throws IOException {
    if (job == null || job.isEmpty()) {
      throw new InvalidRequestException("parameter 'job' is required: the id from the status URL");
    }
    HttpServletResponse response = request.getServletResponse();
    String jobId = job.getValueAsString();
    Optional<JobInstance> found = jobs.find(jobId).filter(instance -> mayRead(instance, request));
    if (found.isEmpty() || found.get().isCancelled()) {
      outcome(response, 404, "error", "not-found", "no asynchronous job " + jobId
          + (found.isPresent() ? ": it was cancelled" : ": unknown, expired, or started by another client"));
      return;
    }
    JobInstance instance = found.get();
    if (request.getRequestType() == RequestTypeEnum.DELETE) {
      delete(response, instance);
      return;
    }
    // The step's own report decides before Batch2's status does: Batch2 marks a failed job FAILED only on its
    // next maintenance pass, but the operation's outcome is known the moment the step records it.
    AsyncJobReport report = AsyncJobReport.parse(instance.getReport());
    if (report.failureStatus() != null || instance.getStatus() == StatusEnum.FAILED) {
      failed(response, instance, report);
    } else if (report.resultId() != null || instance.getStatus() == StatusEnum.COMPLETED) {
      completed(response, instance, report);
    } else if (instance.getStatus() == StatusEnum.CANCELLED) {
      outcome(response, 404, "error", "not-found", "asynchronous job " + jobId + " was cancelled");
    } else {
      running(response, instance, report);
    }
  }

  private boolean mayRead(JobInstance instance, ServletRequestDetails request) {
    if (requesters.isAdministrator(request)) {
      return true;
    }
    AsyncOperationParameters parameters = instance.getParameters(AsyncOperationParameters.class);
    return parameters.requester() != null && parameters.requester().equals(requesters.of(request));
  }

  private void delete(HttpServletResponse response, JobInstance instance) throws IOException {
    AsyncJobReport report = AsyncJobReport.parse(instance.getReport());
    if (instance.getStatus().isEnded() || report.resultId() != null) {
      jobs.remove(instance);
      outcome(response, 202, "information", "informational",
          "asynchronous job " + instance.getInstanceId() + " and its result removed");
    } else {
      jobs.cancel(instance.getInstanceId());
      outcome(response, 202, "information", "informational",
          "asynchronous job " + instance.getInstanceId() + " cancelled; it stops at its next unit of work");
    }
  }

  private void running(HttpServletResponse response, JobInstance instance, AsyncJobReport report) {
    response.setStatus(Constants.STATUS_HTTP_202_ACCEPTED);
    response.addHeader(Constants.HEADER_X_PROGRESS, progress(instance, report));
    response.addHeader(Constants.HEADER_RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
  }

  static String progress(JobInstance instance, AsyncJobReport report) {
    if (report.total() == 0) {
      return instance.getStatus() == StatusEnum.QUEUED ? "queued" : "started";
    }
    return report.done() + "/" + report.total() + " units (" + (100 * report.done() / report.total()) + "%)";
  }

  private void completed(HttpServletResponse response, JobInstance instance, AsyncJobReport report)
      throws IOException {
    Optional<IBaseResource> result = report.resultId() == null ? Optional.empty() : results.load(report.resultId());
    if (result.isEmpty()) {
      outcome(response, 404, "error", "not-found", "the result of asynchronous job " + instance.getInstanceId()
          + " is no longer available");
      return;
    }
    response.setStatus(Constants.STATUS_HTTP_200_OK);
    jobs.expiry(instance).ifPresent(expiry -> response.addHeader("Expires", httpDate(expiry)));
    write(response, result.get());
  }

  private void failed(HttpServletResponse response, JobInstance instance, AsyncJobReport report)
      throws IOException {
    if (report.failureStatus() != null && report.failureOutcome() != null) {
      response.setStatus(report.failureStatus());
      write(response, fhirContext.newJsonParser().parseResource(report.failureOutcome()));
      return;
    }
    outcome(response, 500, "fatal", "exception", "asynchronous job " + instance.getInstanceId() + " failed: "
        + instance.getErrorMessage());
  }

  private void outcome(HttpServletResponse response, int status, String severity, String code, String message)
      throws IOException {
    IBaseOperationOutcome outcome = OperationOutcomeUtil.newInstance(fhirContext);
    OperationOutcomeUtil.addIssue(fhirContext, outcome, severity, message, null, code);
    response.setStatus(status);
    write(response, outcome);
  }

  private void write(HttpServletResponse response, IBaseResource resource) throws IOException {
    response.setContentType(Constants.CT_FHIR_JSON_NEW);
    response.setCharacterEncoding(Constants.CHARSET_NAME_UTF8);
    try (Writer writer = response.getWriter()) {
      fhirContext.newJsonParser().encodeResourceToWriter(resource, writer);
    }
  }

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
  }
}
