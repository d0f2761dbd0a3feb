package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.api.IWorkChunkPersistence;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.batch2.model.WorkChunkStatusEnum;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous operation jobs on HAPI's Batch2: started, looked up for their requester, cancelled, and
 * removed with their result once they have been kept long enough.
 */
public final class AsyncJobs {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncJobs.class);

  private static final int PAGE = 100;

  /** Chunk states a dead server leaves behind; the first step's chunk carries no data, so wiping it loses nothing. */
  private static final Set<WorkChunkStatusEnum> ABANDONED =
      EnumSet.of(WorkChunkStatusEnum.QUEUED, WorkChunkStatusEnum.IN_PROGRESS, WorkChunkStatusEnum.ERRORED);

  private final IJobCoordinator coordinator;
  private final IJobMaintenanceService maintenance;
  private final IJobPersistence persistence;
  private final IWorkChunkPersistence chunks;
  private final IHapiTransactionService transactions;
  private final AsyncResultStore results;
  private final Duration retention;

  /** @param retention how long an ended job and its result are kept for the client to fetch */
  public AsyncJobs(IJobCoordinator coordinator, IJobMaintenanceService maintenance, IJobPersistence persistence,
      IHapiTransactionService transactions, AsyncResultStore results, Duration retention) {
    this.coordinator = coordinator;
    this.maintenance = maintenance;
    this.persistence = persistence;
    this.chunks = persistence;
    this.transactions = transactions;
    this.results = results;
    this.retention = retention;
  }

  public Duration retention() {
    return retention;
  }

  /** Starts a job; answers its id. */
  public String start(AsyncOperationParameters parameters) {
    JobInstanceStartRequest request = new JobInstanceStartRequest(AsyncOperationJob.DEFINITION_ID, parameters);
    String id = coordinator.startInstance(new SystemRequestDetails(), request).getInstanceId();
    // Batch2 hands a new job's first chunk to a worker on its next maintenance pass (once a minute); ask for one now.
    maintenance.triggerMaintenancePass();
    return id;
  }

  /** The job {@code id} if it exists and is one of ours. */
  public Optional<JobInstance> find(String id) {
    try {
      JobInstance instance = coordinator.getInstance(id);
      return AsyncOperationJob.DEFINITION_ID.equals(instance.getJobDefinitionId()) ? Optional.of(instance)
          : Optional.empty();
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Asks a running job to stop; its step notices at its next unit of work. */
  public void cancel(String id) {
    coordinator.cancelInstance(id);
  }

  /** Removes an ended job and its stored result. */
  public void remove(JobInstance instance) {
    String resultId = AsyncJobReport.parse(instance.getReport()).resultId();
    if (resultId != null) {
      results.delete(resultId);
    }
    transactions.withSystemRequestOnDefaultPartition()
        .execute((Runnable) () -> persistence.deleteInstanceAndChunks(instance.getInstanceId()));
  }

  /** When an ended job's result stops being available. */
  public Optional<Instant> expiry(JobInstance instance) {
    return Optional.ofNullable(instance.getEndTime()).map(end -> end.toInstant().plus(retention));
  }

  /** Removes every ended job whose retention has passed; answers how many. */
  public int removeExpired(Instant now) {
    EnumSet<StatusEnum> ended = EnumSet.copyOf(StatusEnum.getEndedStatuses());
    List<JobInstance> expired = new ArrayList<>();
    for (int page = 0; ; page++) {
      List<JobInstance> instances = coordinator.getJobInstancesByJobDefinitionIdAndStatuses(
          AsyncOperationJob.DEFINITION_ID, ended, PAGE, page);
      instances.stream().filter(instance -> expiry(instance).map(now::isAfter).orElse(false)).forEach(expired::add);
      if (instances.size() < PAGE) {
        break;
      }
    }
    expired.forEach(this::remove);
    if (!expired.isEmpty()) {
      LOG.info("removed {} expired asynchronous job(s) and their results", expired.size());
    }
    return expired.size();
  }

  /**
   * Hands the work of abandoned jobs back to Batch2: a job whose server stopped (or died) mid-step keeps its work
   * chunk queued or in progress, and Batch2's in-memory work channel has lost the message that would run it. A
   * running step marks its job alive every heartbeat ({@link RunOperationStep}); a job not marked for
   * {@code staleAfter} has its unfinished chunk made ready again, and the next maintenance pass, on whichever
   * server runs it, queues it. Answers how many jobs were handed back.
   */
  public int recoverStale(Instant now, Duration staleAfter) {
    Set<StatusEnum> running = EnumSet.of(StatusEnum.QUEUED, StatusEnum.IN_PROGRESS, StatusEnum.ERRORED);
    int recovered = 0;
    for (JobInstance instance : coordinator.getJobInstancesByJobDefinitionIdAndStatuses(
        AsyncOperationJob.DEFINITION_ID, running, PAGE, 0)) {
      Date touched = instance.getUpdateTime() != null ? instance.getUpdateTime() : instance.getCreateTime();
      if (touched == null || touched.toInstant().plus(staleAfter).isAfter(now) || instance.isCancelled()) {
        continue;
      }
      List<String> abandoned = new ArrayList<>();
      chunks.fetchAllWorkChunksIterator(instance.getInstanceId(), false).forEachRemaining(chunk -> {
        if (ABANDONED.contains(chunk.getStatus())) {
          abandoned.add(chunk.getId());
        }
      });
      if (!abandoned.isEmpty()) {
        LOG.info("asynchronous job {} not heard from since {}: handing its work back to Batch2",
            instance.getInstanceId(), touched.toInstant());
        transactions.withSystemRequestOnDefaultPartition().execute((Runnable) () -> {
          chunks.markWorkChunksWithStatusAndWipeData(instance.getInstanceId(), abandoned, WorkChunkStatusEnum.READY,
              null);
          persistence.updateInstanceUpdateTime(instance.getInstanceId());
        });
        recovered++;
      }
    }
    if (recovered > 0) {
      maintenance.triggerMaintenancePass();
    }
    return recovered;
  }

  /** Marks a running job alive (see {@link #recoverStale}). */
  public void heartbeat(String id) {
    transactions.withSystemRequestOnDefaultPartition().execute((Runnable) () -> persistence.updateInstanceUpdateTime(id));
  }
}
