package org.homocloud.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SMART on FHIR authorization ({@code homocloud.security.*}): whether bearer tokens are required on
 * {@code /fhir}, and how the embedded authorization server issues them.
 *
 * @param enabled whether every FHIR request (except {@code /metadata} and discovery) needs a bearer token;
 *     off only for tests and deployments about plain FHIR behaviour
 * @param authDir directory of the signing keys, user accounts and the command-line client's key; blank means
 *     {@code ${homocloud.storage.data-dir}/auth}
 * @param issuer the authorization server's public URL (e.g. {@code https://fhir.example.org}); blank derives it
 *     from each request, which suits a server reached under one name only
 * @param externalIssuer an external OpenID Connect issuer whose tokens the FHIR endpoint accepts instead of the
 *     embedded server's (its discovery document and JWKS are fetched); blank means the embedded server
 * @param signingKeyRotation age after which a new token-signing key is generated at start-up (the old one stays
 *     published for verification)
 * @param backendTokenLifetime lifetime of Backend Services access tokens
 * @param appTokenLifetime lifetime of App Launch access tokens
 * @param refreshTokenLifetime lifetime of refresh tokens ({@code offline_access}, {@code online_access})
 * @param cliClientId client id of the local command-line Backend Services client registered on first start
 * @param cliClientScope scopes the local command-line client may ask for
 * @param maxFailedLogins failed form logins after which an account is locked
 * @param lockout how long a locked account stays locked
 * @param corsAllowedOrigins browser origins allowed to call discovery, the token endpoint and {@code /fhir}
 * @param clients further registered clients
 * @param signing what signs the embedded server's tokens: the JWK set under {@code auth-dir} (default) or an AWS
 *     KMS key
 */
@ConfigurationProperties("homocloud.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String authDir,
        @DefaultValue("") String issuer,
        @DefaultValue("") String externalIssuer,
        @DefaultValue("P90D") Duration signingKeyRotation,
        @DefaultValue("PT5M") Duration backendTokenLifetime,
        @DefaultValue("PT1H") Duration appTokenLifetime,
        @DefaultValue("P30D") Duration refreshTokenLifetime,
        @DefaultValue("homocloud-cli") String cliClientId,
        @DefaultValue("system/*.cruds system/Observation.$encrypted-aggregate system/$homocloud-admin")
                String cliClientScope,
        @DefaultValue("5") int maxFailedLogins,
        @DefaultValue("PT15M") Duration lockout,
        @DefaultValue("*") List<String> corsAllowedOrigins,
        @DefaultValue List<Client> clients,
        @DefaultValue Signing signing) {

    public SecurityProperties {
        if (maxFailedLogins < 1) {
            throw new IllegalArgumentException(
                    "homocloud.security.max-failed-logins must be at least 1, was " + maxFailedLogins);
        }
        if (backendTokenLifetime.isNegative() || backendTokenLifetime.isZero()
                || appTokenLifetime.isNegative() || appTokenLifetime.isZero()) {
            throw new IllegalArgumentException("homocloud.security token lifetimes must be positive");
        }
        if (cliClientId.isBlank()) {
            throw new IllegalArgumentException("homocloud.security.cli-client-id must not be blank");
        }
    }

    /** The directory holding keys and accounts: the configured one, or {@code auth} under the data directory. */
    public Path authDirectory(Path dataDir) {
        return authDir.isBlank() ? dataDir.resolve("auth") : Path.of(authDir);
    }

    /**
     * Token signing ({@code homocloud.security.signing.*}). Blank {@code kms-key-id}: the persisted, rotating RSA
     * JWK set under {@code auth-dir}. Otherwise an asymmetric AWS KMS key signs (its private key never leaves KMS);
     * credentials come from the AWS SDK's default chain (environment, {@code aws.accessKeyId} system properties,
     * profile, container or instance role).
     *
     * @param kmsKeyId key id, key ARN, alias name or alias ARN of a SIGN_VERIFY key (ECC_NIST_P384, ECC_NIST_P256,
     *     RSA_2048/3072/4096)
     * @param kmsEndpoint KMS endpoint override (a VPC endpoint, a test KMS); blank: the region's public endpoint
     * @param kmsRegion the key's region; blank: the region in a key ARN, else the SDK's default chain
     * @param kmsAlgorithm for an RSA key, RS384 (blank, the default) or PS384
     */
    public record Signing(
            @DefaultValue("") String kmsKeyId,
            @DefaultValue("") String kmsEndpoint,
            @DefaultValue("") String kmsRegion,
            @DefaultValue("") String kmsAlgorithm) {

        /** Whether a KMS key signs tokens. */
        public boolean usesKms() {
            return !kmsKeyId.isBlank();
        }
    }

    /**
     * A registered client. With redirect URIs it is a SMART App Launch client (public with PKCE, or
     * confidential-asymmetric when it has keys); without, a Backend Services client, which needs keys.
     *
     * @param clientId the OAuth client id
     * @param jwksFile a file holding the client's public JWK set (registered keys)
     * @param jwksUri where the client publishes its JWK set (fetched keys)
     * @param redirectUris App Launch redirect URIs; a loopback IP URI matches any port
     * @param scope space-separated scopes the client may ask for (or narrower ones)
     */
    public record Client(
            String clientId,
            @DefaultValue("") String jwksFile,
            @DefaultValue("") String jwksUri,
            @DefaultValue List<String> redirectUris,
            @DefaultValue("") String scope) {

        public Client {
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("homocloud.security.clients[].client-id must not be blank");
            }
            if (redirectUris.isEmpty() && jwksFile.isBlank() && jwksUri.isBlank()) {
                throw new IllegalArgumentException("homocloud.security.clients: Backend Services client " + clientId
                        + " needs jwks-file or jwks-uri (its public keys)");
            }
        }

        public boolean isAppLaunch() {
            return !redirectUris.isEmpty();
        }

        public boolean hasKeys() {
            return !jwksFile.isBlank() || !jwksUri.isBlank();
        }
    }
}
