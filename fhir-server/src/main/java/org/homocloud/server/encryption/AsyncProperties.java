package org.homocloud.server.encryption;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Asynchronous encrypted operations ({@code Prefer: respond-async}; {@code homocloud.async.*}).
 *
 * @param resultRetention how long an ended job and its result stay fetchable at the status URL
 * @param cleanupInterval how often expired jobs and results are removed
 * @param heartbeat how often a running job is marked alive
 * @param staleAfter a job not marked alive for this long is taken to have lost its server (stopped or dead) and
 *     is run again by whichever server notices; several heartbeats, so that a slow database is no reason
 * @param unitPauseForTesting a pause after each unit of an operation's work, so that tests can watch progress,
 *     cancel and restart jobs that would otherwise end in milliseconds; zero (the default) outside tests
 */
@ConfigurationProperties("homocloud.async")
public record AsyncProperties(
        @DefaultValue("24h") Duration resultRetention,
        @DefaultValue("1h") Duration cleanupInterval,
        @DefaultValue("30s") Duration heartbeat,
        @DefaultValue("2m") Duration staleAfter,
        @DefaultValue("0s") Duration unitPauseForTesting) {

    public AsyncProperties {
        if (resultRetention.isNegative() || resultRetention.isZero()) {
            throw new IllegalArgumentException("homocloud.async.result-retention must be positive: " + resultRetention);
        }
        if (cleanupInterval.isNegative() || cleanupInterval.isZero()) {
            throw new IllegalArgumentException("homocloud.async.cleanup-interval must be positive: " + cleanupInterval);
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || staleAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("homocloud.async.heartbeat must be positive and stale-after at least "
                    + "twice as long: " + heartbeat + ", " + staleAfter);
        }
        if (unitPauseForTesting.isNegative()) {
            throw new IllegalArgumentException("homocloud.async.unit-pause-for-testing must not be negative");
        }
    }
}
