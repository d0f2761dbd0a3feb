package org.homocloud.server.encryption;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.homocloud.fhir.operations.async.AsyncJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after asynchronous jobs on one daemon thread: every heartbeat, hands the work of jobs whose server went
 * away back to Batch2 (at start-up too, so that a restarted server resumes its own); every cleanup interval,
 * removes ended jobs and their results once their retention has passed, and result ciphertexts kept as Binary
 * resources (of synchronous and asynchronous requests alike) after the same retention. Every server sharing the
 * database runs one; doing either twice is harmless.
 */
public final class AsyncJobCleanup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncJobCleanup.class);

    private final ScheduledExecutorService executor;

    public AsyncJobCleanup(AsyncJobs jobs, JpaResultBinaries resultBinaries, AsyncProperties async) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "homocloud-async-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                jobs.recoverStale(Instant.now(), async.staleAfter());
            } catch (RuntimeException e) {
                LOG.warn("recovering abandoned asynchronous jobs failed, will retry: {}", e.getMessage(), e);
            }
        }, async.heartbeat().toMillis(), async.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        long cleanup = async.cleanupInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                jobs.removeExpired(Instant.now());
            } catch (RuntimeException e) {
                LOG.warn("removing expired asynchronous jobs failed, will retry: {}", e.getMessage(), e);
            }
            try {
                int removed = resultBinaries.removeOlderThan(Instant.now().minus(async.resultRetention()));
                if (removed > 0) {
                    LOG.info("removed {} expired result ciphertexts (Binary)", removed);
                }
            } catch (RuntimeException e) {
                LOG.warn("removing expired result ciphertexts failed, will retry: {}", e.getMessage(), e);
            }
        }, cleanup, cleanup, TimeUnit.MILLISECONDS);
    }

    /** Lets a running round finish: an interrupt inside an H2 call would close the embedded database. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
