package org.homocloud.server.auth.resource;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.homocloud.server.auth.scope.GrantedScopes;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Reads the scopes and launch context of the bearer token that Spring Security verified for the current request.
 *
 * <p>HAPI's servlet runs on the thread that passed the security filter chain, so the verified token is in the
 * thread's security context when HAPI's interceptors ask for it.
 */
public final class BearerTokens {

    /** The SMART launch-context claim naming the patient whose compartment {@code patient/} scopes reach. */
    public static final String PATIENT_CLAIM = "patient";

    private BearerTokens() {}

    /** The current request's grants; empty when no verified bearer token is present. */
    public static Optional<GrantedScopes> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return Optional.empty();
        }
        return Optional.of(grantsOf(token.getToken()));
    }

    /** The grants of a verified token: its {@code scope} claim (a list, or one space-separated string). */
    public static GrantedScopes grantsOf(Jwt jwt) {
        return GrantedScopes.of(scopesOf(jwt), jwt.getClaimAsString(PATIENT_CLAIM));
    }

    static List<String> scopesOf(Jwt jwt) {
        Object claim = jwt.getClaim("scope");
        if (claim == null) {
            claim = jwt.getClaim("scp");
        }
        if (claim instanceof String text) {
            return Arrays.stream(text.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
