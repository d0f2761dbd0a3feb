package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.api.IJobStepWorker;
import ca.uhn.fhir.batch2.api.JobExecutionFailedException;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.operations.LargeCiphertexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's one step: runs the operation as the synchronous request would (same provider, same parameters, as
 * a system request: the requester was authorized when the job was accepted), moves its large ciphertexts into
 * Binary resources owned by the job's requester ({@link LargeCiphertexts}), stores the result, and records in
 * the job's report where it is, or the status and OperationOutcome the operation failed with. A failed
 * operation fails the job ({@link JobExecutionFailedException}: Batch2 does not retry it, as it would retry an
 * unexpected error, because the same request would fail the same way).
 */
public final class RunOperationStep implements IJobStepWorker<AsyncOperationParameters, VoidModel, VoidModel> {

  private static final Logger LOG = LoggerFactory.getLogger(RunOperationStep.class);

  private final OperationInvoker invoker;
  private final AsyncResultStore results;
  private final LargeCiphertexts largeCiphertexts;
  private final IJobPersistence jobs;
  private final IHapiTransactionService transactions;
  private final FhirContext fhirContext;
  private final Duration unitPauseForTesting;
  private final Duration heartbeat;

  /**
   * @param unitPauseForTesting a pause after each unit of work, so that tests can watch progress, cancel and
   *     restart a job that would otherwise end in milliseconds; zero outside tests
   * @param heartbeat how often a running job is marked alive, so that {@link AsyncJobs#recoverStale} leaves it be
   */
  public RunOperationStep(OperationInvoker invoker, AsyncResultStore results, LargeCiphertexts largeCiphertexts,
      IJobPersistence jobs, IHapiTransactionService transactions, FhirContext fhirContext,
      Duration unitPauseForTesting, Duration heartbeat) {
    this.invoker = invoker;
    this.results = results;
    this.largeCiphertexts = largeCiphertexts;
    this.jobs = jobs;
    this.transactions = transactions;
    this.fhirContext = fhirContext;
    this.unitPauseForTesting = unitPauseForTesting;
    this.heartbeat = heartbeat;
  }

  @Override
  public RunOutcome run(StepExecutionDetails<AsyncOperationParameters, VoidModel> details,
      IJobDataSink<VoidModel> sink) {
    String jobId = details.getInstance().getInstanceId();
    AsyncOperationParameters parameters = details.getParameters();
    JobProgress progress = new JobProgress(jobs, jobId, unitPauseForTesting);
    ScheduledExecutorService alive = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "homocloud-async-heartbeat-" + jobId);
      thread.setDaemon(true);
      return thread;
    });
    alive.scheduleAtFixedRate(() -> heartbeat(jobId), 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return runOperation(jobId, parameters, progress);
    } finally {
      alive.shutdown();
    }
  }

  private RunOutcome runOperation(String jobId, AsyncOperationParameters parameters, JobProgress progress) {
    IBaseResource result;
    try {
      result = invoker.invoke(parameters, progress);
    } catch (RuntimeException e) {
      // HAPI wraps what the provider throws in an InternalErrorException; look for our own signals inside.
      if (causedBy(e, JobProgress.CancelledException.class)) {
        LOG.info("asynchronous {} job {} stopped: cancelled", parameters.operation(), jobId);
        throw new JobExecutionFailedException("cancelled by its requester");
      }
      if (causedBy(e, JobProgress.StoppingException.class)) {
        throw new IllegalStateException("job " + jobId + " interrupted by shutdown; Batch2 runs it again", e);
      }
      if (!(e instanceof BaseServerResponseException)) {
        throw e;
      }
      fail(jobId, (BaseServerResponseException) e);
      throw new JobExecutionFailedException(parameters.operation() + " failed with "
          + ((BaseServerResponseException) e).getStatusCode() + ": " + e.getMessage(), e);
    }
    if (result instanceof Parameters parameterResult) {
      largeCiphertexts.referenceLarge(parameterResult, parameters.requester());
    }
    String resultId = results.save(jobId, result);
    jobs.updateInstance(jobId, instance -> {
      instance.setReport(AsyncJobReport.parse(instance.getReport()).succeeded(resultId).toJson());
      return true;
    });
    return new RunOutcome(Math.max(1, progress.done()));
  }

  /** Records the status and OperationOutcome the synchronous call would have answered. */
  private void fail(String jobId, BaseServerResponseException e) {
    IBaseOperationOutcome outcome = e.getOperationOutcome();
    if (outcome == null) {
      outcome = OperationOutcomeUtil.newInstance(fhirContext);
      OperationOutcomeUtil.addIssue(fhirContext, outcome, e.getStatusCode() >= 500 ? "fatal" : "error",
          e.getMessage(), null, "processing");
    }
    String json = fhirContext.newJsonParser().encodeResourceToString(outcome);
    jobs.updateInstance(jobId, instance -> {
      instance.setReport(AsyncJobReport.parse(instance.getReport()).failed(e.getStatusCode(), json).toJson());
      return true;
    });
  }

  private void heartbeat(String jobId) {
    try {
      transactions.withSystemRequestOnDefaultPartition()
          .execute((Runnable) () -> jobs.updateInstanceUpdateTime(jobId));
    } catch (RuntimeException e) {
      LOG.warn("could not mark asynchronous job {} alive: {}", jobId, e.getMessage());
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
