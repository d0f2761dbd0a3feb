package org.homocloud.server.auth.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Puts the SMART launch context into App Launch access tokens ({@code patient}, {@code encounter},
 * {@code fhirUser}, {@code need_patient_banner}) and {@code fhirUser} into ID tokens. The context comes from an
 * EHR {@code launch} handle or, for a standalone {@code launch/patient}, from the signed-in account's patient;
 * a refreshed token keeps the context of the token it replaces. The resource server confines {@code patient/}
 * scopes to the token's {@code patient}; {@link SmartTokenResponseHandler} copies the context into the token
 * response, where SMART clients read it.
 */
final class LaunchContextTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final List<String> CONTEXT_CLAIMS = List.of("patient", "encounter", "fhirUser", "need_patient_banner");

    private final LaunchContexts launches;
    private final UserAccounts users;

    LaunchContextTokenCustomizer(LaunchContexts launches, UserAccounts users) {
        this.launches = launches;
        this.users = users;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        Map<String, Object> launchContext = launchContext(context);
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getClaims().claims(claims -> claims.putAll(launchContext));
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())
                && launchContext.containsKey("fhirUser")) {
            context.getClaims().claim("fhirUser", launchContext.get("fhirUser"));
        }
    }

    private Map<String, Object> launchContext(JwtEncodingContext context) {
        Map<String, Object> claims = new LinkedHashMap<>();
        OAuth2Authorization authorization = context.getAuthorization();
        if (authorization == null) {
            return claims;
        }
        AuthorizationGrantType grant = context.getAuthorizationGrantType();
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(grant)) {
            OAuth2Authorization.Token<OAuth2AccessToken> previous = authorization.getAccessToken();
            if (previous != null && previous.getClaims() != null) {
                CONTEXT_CLAIMS.stream().filter(previous.getClaims()::containsKey)
                        .forEach(name -> claims.put(name, previous.getClaims().get(name)));
            }
            return claims;
        }
        if (!AuthorizationGrantType.AUTHORIZATION_CODE.equals(grant)) {
            return claims;
        }
        Set<String> scopes = context.getAuthorizedScopes();
        Optional<UserAccounts.Account> account = users.find(authorization.getPrincipalName());
        OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Object launch = request == null ? null : request.getAdditionalParameters().get("launch");
        if (launch instanceof String handle && scopes.contains("launch")) {
            launches.resolve(handle).ifPresent(ehr -> {
                claims.put("patient", ehr.patient());
                if (ehr.encounter() != null && !ehr.encounter().isBlank()) {
                    claims.put("encounter", ehr.encounter());
                }
                // The EHR already shows which patient is open.
                claims.put("need_patient_banner", false);
            });
        } else if (scopes.contains("launch/patient")) {
            account.map(UserAccounts.Account::patient).filter(p -> !p.isBlank()).ifPresent(patient -> {
                claims.put("patient", patient);
                claims.put("need_patient_banner", true);
            });
        }
        if (scopes.contains("fhirUser") || scopes.contains("openid")) {
            account.map(UserAccounts.Account::fhirUser).filter(f -> !f.isBlank())
                    .ifPresent(fhirUser -> claims.put("fhirUser", fhirUser));
        }
        return claims;
    }
}
