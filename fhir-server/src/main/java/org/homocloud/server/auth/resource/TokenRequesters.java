package org.homocloud.server.auth.resource;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.homocloud.fhir.operations.async.Requesters;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The requester of an asynchronous job, from the bearer token Spring Security verified: its issuer, client and
 * subject (a Backend Services client is its own subject; a signed-in user is the subject, through a client). A
 * token with the administrative scope may read and cancel every job.
 */
public final class TokenRequesters implements Requesters {

    @Override
    public String of(RequestDetails request) {
        Jwt jwt = jwt();
        if (jwt == null) {
            return "no-token";
        }
        String client = jwt.getClaimAsString("client_id");
        if (client == null) {
            client = jwt.getClaimAsString("azp");
        }
        return (jwt.getIssuer() == null ? "" : jwt.getIssuer() + " ") + "client=" + client + " sub=" + jwt.getSubject();
    }

    @Override
    public boolean isAdministrator(RequestDetails request) {
        Jwt jwt = jwt();
        return jwt != null && BearerTokens.grantsOf(jwt).allowsAdministration();
    }

    private static Jwt jwt() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken token ? token.getToken() : null;
    }
}
