package org.homocloud.server.auth.server;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;

/**
 * SMART App Launch checks on an authorization request, after Spring Authorization Server's own redirect URI
 * check: {@code aud} must be this server's FHIR base URL (so a token cannot be phished for another server),
 * every scope must be within the client's registration, and an EHR {@code launch} handle must be one this
 * server minted (the {@code launch} scope without one brings no EHR context). PKCE with S256 only is enforced by Spring Authorization Server itself
 * ({@code requireProofKey}).
 */
final class SmartAuthorizationRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private final Supplier<String> fhirBaseUrl;
    private final LaunchContexts launches;

    SmartAuthorizationRequestValidator(Supplier<String> fhirBaseUrl, LaunchContexts launches) {
        this.fhirBaseUrl = fhirBaseUrl;
        this.launches = launches;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(context);
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        Set<String> registered = context.getRegisteredClient().getScopes();
        for (String scope : request.getScopes()) {
            if (!RegisteredScopes.covers(registered, scope)) {
                throw refused(request, OAuth2ErrorCodes.INVALID_SCOPE,
                        "scope " + scope + " is not within the client's registration");
            }
        }
        Object audience = request.getAdditionalParameters().get("aud");
        String expected = fhirBaseUrl.get();
        if (!(audience instanceof String aud) || !withoutTrailingSlash(aud).equals(withoutTrailingSlash(expected))) {
            throw refused(request, OAuth2ErrorCodes.INVALID_REQUEST, "aud must be this server's FHIR base URL " + expected);
        }
        Object launch = request.getAdditionalParameters().get("launch");
        if (launch != null && (!(launch instanceof String handle) || launches.resolve(handle).isEmpty())) {
            throw refused(request, OAuth2ErrorCodes.INVALID_REQUEST, "unknown or expired launch");
        }
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refused(
            OAuth2AuthorizationCodeRequestAuthenticationToken request, String code, String description) {
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null), request);
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
