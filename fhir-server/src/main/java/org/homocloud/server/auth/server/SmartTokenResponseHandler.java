package org.homocloud.server.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Writes the token response as SMART App Launch wants it: the OAuth fields, the launch context
 * ({@code patient}, {@code encounter}, {@code fhirUser}, {@code need_patient_banner}) beside them, and
 * {@code Cache-Control: no-store}, since the body holds credentials.
 */
final class SmartTokenResponseHandler implements AuthenticationSuccessHandler {

    private final HttpMessageConverter<OAuth2AccessTokenResponse> converter =
            new OAuth2AccessTokenResponseHttpMessageConverter();
    private final OAuth2AuthorizationService authorizations;

    SmartTokenResponseHandler(OAuth2AuthorizationService authorizations) {
        this.authorizations = authorizations;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        OAuth2AccessTokenAuthenticationToken token = (OAuth2AccessTokenAuthenticationToken) authentication;
        OAuth2AccessToken accessToken = token.getAccessToken();
        OAuth2AccessTokenResponse.Builder body = OAuth2AccessTokenResponse.withToken(accessToken.getTokenValue())
                .tokenType(accessToken.getTokenType())
                .scopes(accessToken.getScopes());
        if (accessToken.getIssuedAt() != null && accessToken.getExpiresAt() != null) {
            body.expiresIn(ChronoUnit.SECONDS.between(accessToken.getIssuedAt(), accessToken.getExpiresAt()));
        }
        OAuth2RefreshToken refreshToken = token.getRefreshToken();
        if (refreshToken != null) {
            body.refreshToken(refreshToken.getTokenValue());
        }
        Map<String, Object> parameters = new LinkedHashMap<>(token.getAdditionalParameters());
        OAuth2Authorization authorization =
                authorizations.findByToken(accessToken.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
        if (authorization != null && authorization.getAccessToken().getClaims() != null) {
            Map<String, Object> claims = authorization.getAccessToken().getClaims();
            LaunchContextTokenCustomizer.CONTEXT_CLAIMS.stream().filter(claims::containsKey)
                    .forEach(name -> parameters.put(name, claims.get(name)));
        }
        body.additionalParameters(parameters);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        converter.write(body.build(), null, new ServletServerHttpResponse(response));
    }
}
