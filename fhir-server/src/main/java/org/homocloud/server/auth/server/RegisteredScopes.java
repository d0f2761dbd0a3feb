package org.homocloud.server.auth.server;

import java.util.Collection;
import java.util.Optional;
import org.homocloud.server.auth.scope.SmartScope;

/**
 * Whether a requested scope is within what a client was registered for: the same string, or a SMART resource
 * scope narrower than a registered one ({@code patient/Observation.rs?code=...} under {@code patient/*.cruds}).
 * Spring Authorization Server compares scope strings exactly; SMART apps compose their scopes freely.
 */
final class RegisteredScopes {

    private RegisteredScopes() {}

    static boolean covers(Collection<String> registered, String requested) {
        if (registered.contains(requested)) {
            return true;
        }
        Optional<SmartScope> asked = SmartScope.parse(requested);
        return asked.isPresent() && registered.stream()
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .anyMatch(asked.get()::isNarrowerThanOrEqualTo);
    }
}
