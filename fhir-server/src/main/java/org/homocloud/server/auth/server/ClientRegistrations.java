package org.homocloud.server.auth.server;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.homocloud.server.auth.SecurityProperties;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The clients the embedded authorization server knows: the local command-line client and those configured in
 * {@code homocloud.security.clients}. Registrations are rebuilt from configuration and key files at every start.
 */
public final class ClientRegistrations {

    private ClientRegistrations() {}

    public static RegisteredClientRepository repository(SecurityProperties security, LocalCliClient cli) {
        List<RegisteredClient> clients = new ArrayList<>();
        clients.add(backendServices(cli.clientId(), cli.scope(), cli.publicKeys().toString(), null, security));
        for (SecurityProperties.Client client : security.clients()) {
            clients.add(client.isAppLaunch() ? appLaunch(client, security) : backendServices(client, security));
        }
        return new InMemoryRegisteredClientRepository(clients);
    }

    private static RegisteredClient backendServices(SecurityProperties.Client client, SecurityProperties security) {
        return backendServices(client.clientId(), client.scope(), registeredKeys(client),
                client.jwksUri().isBlank() ? null : client.jwksUri(), security);
    }

    private static RegisteredClient backendServices(
            String clientId, String scope, String jwkSet, String jwkSetUrl, SecurityProperties security) {
        ClientSettings.Builder settings = ClientSettings.builder();
        if (jwkSet != null) {
            settings.setting(ClientAssertionDecoderFactory.JWK_SET_SETTING, jwkSet);
        }
        if (jwkSetUrl != null) {
            settings.jwkSetUrl(jwkSetUrl);
        }
        return RegisteredClient.withId(UUID.nameUUIDFromBytes(clientId.getBytes()).toString())
                .clientId(clientId)
                .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(split(scope)))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(security.backendTokenLifetime())
                        .build())
                .build();
    }

    private static RegisteredClient appLaunch(SecurityProperties.Client client, SecurityProperties security) {
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(false);
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.nameUUIDFromBytes(client.clientId().getBytes()).toString())
                .clientId(client.clientId())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUris(uris -> uris.addAll(client.redirectUris()))
                .scopes(scopes -> scopes.addAll(split(client.scope())));
        if (client.hasKeys()) {
            // Confidential-asymmetric: authenticates at the token endpoint, so it may hold refresh tokens.
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN);
            String keys = registeredKeys(client);
            if (keys != null) {
                settings.setting(ClientAssertionDecoderFactory.JWK_SET_SETTING, keys);
            } else {
                settings.jwkSetUrl(client.jwksUri());
            }
        } else {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        }
        return builder.clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(security.appTokenLifetime())
                        .refreshTokenTimeToLive(security.refreshTokenLifetime())
                        .reuseRefreshTokens(false)
                        .build())
                .build();
    }

    private static String registeredKeys(SecurityProperties.Client client) {
        if (client.jwksFile().isBlank()) {
            return null;
        }
        try {
            return JWKSet.load(Path.of(client.jwksFile()).toFile()).toPublicJWKSet().toString();
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("homocloud.security.clients: keys of " + client.clientId()
                    + " cannot be read from " + client.jwksFile() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> split(String scope) {
        return Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
