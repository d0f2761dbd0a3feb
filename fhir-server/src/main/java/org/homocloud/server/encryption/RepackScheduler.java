package org.homocloud.server.encryption;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.homocloud.fhir.packing.Repacker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Repacker} in the background at a fixed delay, on one daemon thread: ingest stays fast
 * (a part per request) and storage reaches its packed size soon after. A failed round is logged and the
 * next one tries again; parts stay readable meanwhile.
 */
public final class RepackScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepackScheduler.class);

    private final ScheduledExecutorService executor;

    public RepackScheduler(Repacker repacker, Duration interval) {
        if (interval.isZero()) {
            executor = null;
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "homocloud-repacker");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                int repacked = repacker.repackAll();
                if (repacked > 0) {
                    LOG.info("repacked {} packing group(s)", repacked);
                }
            } catch (RuntimeException e) {
                LOG.warn("repacking failed, will retry: {}", e.getMessage(), e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Lets a running round finish instead of interrupting it: an interrupt inside a JDBC call closes H2's file
     * channel (ClosedByInterruptException), which closes the whole embedded database for every pool in this JVM.
     */
    @Override
    public void close() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("a repacking round did not finish within 2 minutes of shutdown; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
