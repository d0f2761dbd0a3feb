package org.homocloud.server.auth.server;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers the {@code jti} of every client assertion until the assertion expires, so that a captured
 * assertion cannot be replayed. Assertions live at most five minutes, which bounds the memory this takes.
 */
public final class JtiReplayCache {

    private final Clock clock;
    private final ConcurrentMap<String, Instant> seen = new ConcurrentHashMap<>();

    public JtiReplayCache(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records {@code jti} for {@code clientId} until {@code expiresAt}.
     *
     * @return false when the same client already used this jti (a replay)
     */
    public boolean firstUse(String clientId, String jti, Instant expiresAt) {
        Instant now = clock.instant();
        seen.values().removeIf(expiry -> expiry.isBefore(now));
        return seen.putIfAbsent(clientId + '\u0000' + jti, expiresAt) == null;
    }
}
