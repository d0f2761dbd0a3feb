package org.homocloud.server.auth.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * EHR launch handles: the EHR (or an administrator acting as one) mints an opaque {@code launch} value bound to a
 * patient and optionally an encounter; an app launched with it receives that context in its token response.
 * Handles are random and live for a limited time. They are kept in the shared database ({@link AuthorizationTables})
 * so that a launch minted on one server is honoured by every server behind the same database, and after a restart;
 * only a SHA-256 of each handle is stored, so reading the table does not hand out usable launches.
 */
public final class LaunchContexts {

    /** The context an EHR launch hands to an app. */
    public record LaunchContext(String patient, String encounter) {}

    /** FHIR's id datatype: what a Patient or Encounter id can be. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    /** @param jdbc over a database holding {@link AuthorizationTables} */
    public LaunchContexts(JdbcTemplate jdbc, Clock clock, Duration lifetime) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Mints a launch handle for {@code patient} (a Patient id) and an optional {@code encounter} id. */
    public String create(String patient, String encounter) {
        if (patient == null || !FHIR_ID.matcher(patient).matches()) {
            throw new IllegalArgumentException("a launch context needs a patient id (1 to 64 of A-Z a-z 0-9 - .): '"
                    + patient + "'");
        }
        if (encounter != null && !FHIR_ID.matcher(encounter).matches()) {
            throw new IllegalArgumentException("an encounter id is 1 to 64 of A-Z a-z 0-9 - .: '" + encounter + "'");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String handle = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.update("INSERT INTO hc_launch_context (handle_sha256, patient, encounter, expires_at) VALUES (?, ?, ?, ?)",
                Digests.sha256Hex(handle), patient, encounter, clock.instant().plus(lifetime).toEpochMilli());
        return handle;
    }

    /** The context of a handle minted here or on another server, while it lives. */
    public Optional<LaunchContext> resolve(String handle) {
        long now = clock.instant().toEpochMilli();
        jdbc.update("DELETE FROM hc_launch_context WHERE expires_at < ?", now);
        if (handle == null) {
            return Optional.empty();
        }
        List<LaunchContext> found = jdbc.query(
                "SELECT patient, encounter FROM hc_launch_context WHERE handle_sha256 = ? AND expires_at >= ?",
                (row, i) -> new LaunchContext(row.getString("patient"), row.getString("encounter")), Digests.sha256Hex(handle), now);
        return found.stream().findFirst();
    }
}
