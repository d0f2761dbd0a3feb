package org.homocloud.server.auth.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The checks SMART Backend Services puts on a client assertion after its signature is verified: issued by and
 * about the client ({@code iss} = {@code sub} = client id), addressed to this server's token endpoint
 * ({@code aud}), expiring at most five minutes ahead and not yet expired ({@code exp}), and a {@code jti} that
 * is never accepted twice. The jti is spent only when everything else holds, so a refused assertion cannot
 * burn a legitimate client's jti.
 */
final class ClientAssertionValidator implements OAuth2TokenValidator<Jwt> {

    /** SMART: "exp ... no more than five minutes in the future"; a little slack for clock drift. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final String clientId;
    private final Supplier<String> tokenEndpoint;
    private final JtiReplayCache jtis;
    private final Clock clock;

    ClientAssertionValidator(String clientId, Supplier<String> tokenEndpoint, JtiReplayCache jtis, Clock clock) {
        this.clientId = clientId;
        this.tokenEndpoint = tokenEndpoint;
        this.jtis = jtis;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt assertion) {
        List<OAuth2Error> errors = new ArrayList<>();
        Instant now = clock.instant();
        if (!clientId.equals(assertion.getClaimAsString("iss")) || !clientId.equals(assertion.getSubject())) {
            errors.add(error("iss and sub must both be the client id " + clientId));
        }
        String expectedAudience = tokenEndpoint.get();
        List<String> audience = assertion.getAudience();
        if (audience == null || !audience.contains(expectedAudience)) {
            errors.add(error("aud must be the token endpoint " + expectedAudience));
        }
        Instant expiresAt = assertion.getExpiresAt();
        if (expiresAt == null) {
            errors.add(error("exp is required"));
        } else if (expiresAt.isBefore(now.minus(CLOCK_SKEW))) {
            errors.add(error("the assertion has expired"));
        } else if (expiresAt.isAfter(now.plus(MAX_LIFETIME).plus(CLOCK_SKEW))) {
            errors.add(error("exp must be at most five minutes ahead"));
        }
        String jti = assertion.getId();
        if (jti == null || jti.isBlank()) {
            errors.add(error("jti is required"));
        }
        if (errors.isEmpty() && !jtis.firstUse(clientId, jti, expiresAt.plus(CLOCK_SKEW))) {
            errors.add(error("jti was already used"));
        }
        return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
    }

    private static OAuth2Error error(String description) {
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "client assertion refused: " + description, null);
    }
}
