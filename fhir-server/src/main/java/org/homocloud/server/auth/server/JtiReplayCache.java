package org.homocloud.server.auth.server;

import java.time.Clock;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Remembers the {@code jti} of every client assertion until the assertion expires, so that a captured
 * assertion cannot be replayed: not after a restart, and not against another server that shares the
 * database (the primary key decides, so two servers racing on one assertion accept it once). Assertions
 * live at most five minutes, which bounds the table.
 */
public final class JtiReplayCache {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    /** @param jdbc over a database holding {@link AuthorizationTables} */
    public JtiReplayCache(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records {@code jti} for {@code clientId} until {@code expiresAt}.
     *
     * @return false when the same client already used this jti (a replay)
     */
    public boolean firstUse(String clientId, String jti, Instant expiresAt) {
        jdbc.update("DELETE FROM hc_assertion_jti WHERE expires_at < ?", clock.instant().toEpochMilli());
        try {
            jdbc.update("INSERT INTO hc_assertion_jti (client_jti_sha256, expires_at) VALUES (?, ?)",
                    Digests.sha256Hex(clientId + '\u0000' + jti), expiresAt.toEpochMilli());
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }
}
