package org.homocloud.server.auth.server;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a {@code private_key_jwt} client authentication that carries no {@code client_id} parameter, as SMART
 * Backend Services requests do: the client is the one named in the assertion's {@code sub}. Nothing in the
 * assertion is trusted yet; the signature and every claim are checked afterwards by
 * {@link ClientAssertionDecoderFactory} against that client's registered keys. Requests that do send
 * {@code client_id} are left to Spring Authorization Server's own converter.
 */
final class ClientIdFromAssertionConverter implements AuthenticationConverter {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @Override
    public Authentication convert(HttpServletRequest request) {
        String assertionType = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE);
        String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
        if ((assertionType != null || assertion != null) && !JWT_BEARER.equals(assertionType)) {
            // SMART: any other assertion type is a failed client authentication, answered with invalid_client.
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        if (assertion == null || request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null) {
            return null;
        }
        String clientId;
        try {
            clientId = SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
        } catch (ParseException e) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        if (clientId == null || clientId.isBlank()) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        Map<String, Object> additional = new HashMap<>();
        // The authorization code grant's own parameters (code, code_verifier) travel with the client authentication.
        if (AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
            request.getParameterMap().forEach((name, values) -> {
                if (!name.equals(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE)
                        && !name.equals(OAuth2ParameterNames.CLIENT_ASSERTION)) {
                    additional.put(name, values.length == 1 ? values[0] : values);
                }
            });
        }
        // Spring Authorization Server marks assertion-based client authentication with the assertion type.
        return new OAuth2ClientAuthenticationToken(clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, additional);
    }
}
