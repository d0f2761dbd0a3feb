package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import java.time.Duration;
import org.homocloud.fhir.operations.OperationProgress;

/**
 * An operation's progress written into its job's report, where every server's status URL reads it; each
 * report is also where a cancellation shows up, so a cancelled job stops at its next unit of work.
 */
final class JobProgress implements OperationProgress {

  /** Thrown out of the operation when its job was cancelled; caught by the step, never seen by a client. */
  static final class CancelledException extends RuntimeException {
    CancelledException(String jobId) {
      super("job " + jobId + " was cancelled", null, false, false);
    }
  }

  /** Thrown out of the operation when the server stops under it; the step leaves the work to Batch2's retry. */
  static final class StoppingException extends RuntimeException {
    StoppingException(String jobId, InterruptedException cause) {
      super("job " + jobId + " interrupted: the server is stopping", cause);
    }
  }

  private final IJobPersistence jobs;
  private final String jobId;
  private final Duration unitPauseForTesting;
  private int done;
  private int total;

  JobProgress(IJobPersistence jobs, String jobId, Duration unitPauseForTesting) {
    this.jobs = jobs;
    this.jobId = jobId;
    this.unitPauseForTesting = unitPauseForTesting;
  }

  int done() {
    return done;
  }

  @Override
  public void begin(int totalUnits) {
    total = Math.max(totalUnits, 0);
    done = 0;
    record();
  }

  @Override
  public void advance() {
    done++;
    record();
    if (!unitPauseForTesting.isZero()) {
      try {
        Thread.sleep(unitPauseForTesting.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        // The server is stopping: an unexpected error leaves the work chunk for Batch2 to run again.
        throw new StoppingException(jobId, e);
      }
    }
  }

  /** Writes the progress, and stops the operation if the job has been cancelled meanwhile. */
  private void record() {
    boolean[] cancelled = new boolean[1];
    jobs.updateInstance(jobId, instance -> {
      cancelled[0] = instance.isCancelled();
      if (cancelled[0]) {
        return false;
      }
      instance.setReport(AsyncJobReport.parse(instance.getReport()).progress(done, total).toJson());
      return true;
    });
    if (cancelled[0]) {
      throw new CancelledException(jobId);
    }
  }
}
