package org.homocloud.server.auth.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * EHR launch handles: the EHR (or an administrator acting as one) mints an opaque {@code launch} value bound to a
 * patient and optionally an encounter; an app launched with it receives that context in its token response.
 * Handles are random, live for a limited time and are kept in memory only.
 */
public final class LaunchContexts {

    /** The context an EHR launch hands to an app. */
    public record LaunchContext(String patient, String encounter) {}

    private record Entry(LaunchContext context, Instant expiresAt) {}

    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Entry> handles = new ConcurrentHashMap<>();

    public LaunchContexts(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Mints a launch handle for {@code patient} (a Patient id) and an optional {@code encounter} id. */
    public String create(String patient, String encounter) {
        if (patient == null || patient.isBlank()) {
            throw new IllegalArgumentException("a launch context needs a patient id");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String handle = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        handles.put(handle, new Entry(new LaunchContext(patient, encounter), clock.instant().plus(lifetime)));
        return handle;
    }

    public Optional<LaunchContext> resolve(String handle) {
        Instant now = clock.instant();
        handles.values().removeIf(e -> e.expiresAt().isBefore(now));
        Entry entry = handle == null ? null : handles.get(handle);
        return entry == null ? Optional.empty() : Optional.of(entry.context());
    }
}
