package org.homocloud.server.auth.client;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Obtains access tokens as a SMART Backend Services client: finds the token endpoint in the server's
 * {@code .well-known/smart-configuration}, signs a one-time client assertion with the client's private key
 * (ES384 for an EC key, RS384 for an RSA key) and exchanges it with {@code client_credentials}.
 *
 * <p>For the local server use {@link #forLocalServer}, which reads the command-line client that the server
 * registered on its first start ({@code <data-dir>/auth/cli-client.json} and its key file); for another server,
 * {@link #create} with that server's client id and a private JWK file. Tokens are reused until shortly before
 * they expire.
 */
public final class BackendServicesTokenClient {

    /** Assertions live one minute; SMART allows at most five. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(1);

    /** A token this close to expiry is not handed out again. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fhirBaseUrl;
    private final String clientId;
    private final JWK privateKey;
    private final HttpClient http;
    private final Clock clock;
    private final String defaultScope;
    private final Map<String, AccessToken> cache = new LinkedHashMap<>();
    private String tokenEndpoint;

    /** An access token and what it grants. */
    public record AccessToken(String value, String scope, Instant expiresAt, Map<String, Object> response) {

        /** The value of an {@code Authorization} header carrying this token. */
        public String authorizationHeader() {
            return "Bearer " + value;
        }
    }

    /** A token request the server refused, with its OAuth error code ({@code invalid_client}, {@code invalid_scope}). */
    public static final class TokenRequestException extends RuntimeException {
        private final String error;

        TokenRequestException(String error, String message) {
            super(message);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }

    private BackendServicesTokenClient(
            String fhirBaseUrl, String clientId, JWK privateKey, String defaultScope, HttpClient http, Clock clock) {
        this.fhirBaseUrl = fhirBaseUrl.endsWith("/") ? fhirBaseUrl.substring(0, fhirBaseUrl.length() - 1) : fhirBaseUrl;
        this.clientId = clientId;
        this.privateKey = privateKey;
        this.http = http;
        this.clock = clock;
        this.defaultScope = defaultScope;
        if (!privateKey.isPrivate()) {
            throw new IllegalArgumentException("the key of client " + clientId + " has no private part");
        }
    }

    /** A client for {@code fhirBaseUrl} with the given client id and private key file (a JWK, JSON). */
    public static BackendServicesTokenClient create(String fhirBaseUrl, String clientId, Path privateJwkFile) {
        return create(fhirBaseUrl, clientId, privateJwkFile, null);
    }

    /** As {@link #create(String, String, Path)}, with the scope {@link #token()} asks for. */
    public static BackendServicesTokenClient create(
            String fhirBaseUrl, String clientId, Path privateJwkFile, String defaultScope) {
        return new BackendServicesTokenClient(fhirBaseUrl, clientId, readKey(privateJwkFile), defaultScope,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC());
    }

    /**
     * The local command-line client, from the files the server wrote into {@code <dataDir>/auth} on its first
     * start (the server must have been started once with that data directory).
     */
    public static BackendServicesTokenClient forLocalServer(Path dataDir, String fhirBaseUrl) {
        Path authDir = dataDir.resolve("auth");
        Path clientFile = authDir.resolve("cli-client.json");
        if (!Files.exists(clientFile)) {
            throw new IllegalStateException("no command-line client at " + clientFile.toAbsolutePath()
                    + "; start the server once with this data directory (./homocloud serve) to create it");
        }
        try {
            JsonNode client = JSON.readTree(clientFile.toFile());
            return create(fhirBaseUrl, client.path("client_id").asText(),
                    authDir.resolve(client.path("private_key_file").asText()), client.path("scope").asText(null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + clientFile.toAbsolutePath(), e);
        }
    }

    public String clientId() {
        return clientId;
    }

    /** A token for the default scope (for the local client: every scope it is registered for). */
    public AccessToken token() {
        if (defaultScope == null || defaultScope.isBlank()) {
            throw new IllegalStateException("client " + clientId + " has no default scope; call token(scope)");
        }
        return token(defaultScope);
    }

    /**
     * A HAPI client interceptor that puts a current token for {@code scope} on every request, fetching a new
     * one when the last is about to expire: {@code genericClient.registerInterceptor(tokens.bearerInterceptor(scope))}.
     */
    public IClientInterceptor bearerInterceptor(String scope) {
        return new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                request.addHeader("Authorization", token(scope).authorizationHeader());
            }

            @Override
            public void interceptResponse(IHttpResponse response) {}
        };
    }

    /** A token for {@code scope} (space-separated), fetched anew only when there is no fresh one. */
    public synchronized AccessToken token(String scope) {
        AccessToken cached = cache.get(scope);
        if (cached != null && clock.instant().plus(EXPIRY_MARGIN).isBefore(cached.expiresAt())) {
            return cached;
        }
        AccessToken fresh = requestToken(scope);
        cache.put(scope, fresh);
        return fresh;
    }

    /** The token endpoint, as the server's SMART configuration names it. */
    public synchronized String tokenEndpoint() {
        if (tokenEndpoint == null) {
            JsonNode configuration = getJson(fhirBaseUrl + "/.well-known/smart-configuration");
            tokenEndpoint = configuration.path("token_endpoint").asText(null);
            if (tokenEndpoint == null) {
                throw new IllegalStateException(fhirBaseUrl + "/.well-known/smart-configuration names no token_endpoint");
            }
        }
        return tokenEndpoint;
    }

    /** A freshly signed client assertion for the token endpoint (exposed for tests of the server's checks). */
    public String signAssertion() {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint())
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .issueTime(Date.from(now))
                .jwtID(UUID.randomUUID().toString())
                .build();
        return sign(privateKey, claims);
    }

    /** Signs {@code claims} with {@code key}: ES384 for an EC key, RS384 for an RSA key, with the key's kid. */
    public static String sign(JWK key, JWTClaimsSet claims) {
        try {
            JWSAlgorithm algorithm;
            JWSSigner signer;
            if (key instanceof ECKey ec) {
                algorithm = JWSAlgorithm.ES384;
                signer = new ECDSASigner(ec);
            } else if (key instanceof RSAKey rsa) {
                algorithm = JWSAlgorithm.RS384;
                signer = new RSASSASigner(rsa);
            } else {
                throw new IllegalArgumentException("client keys must be EC (ES384) or RSA (RS384), not " + key.getKeyType());
            }
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the client assertion: " + e.getMessage(), e);
        }
    }

    private AccessToken requestToken(String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", signAssertion());
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request);
        JsonNode json = parse(response.body(), tokenEndpoint());
        if (response.statusCode() != 200) {
            throw new TokenRequestException(json.path("error").asText("http_" + response.statusCode()),
                    "token request to " + tokenEndpoint() + " refused (" + response.statusCode() + "): "
                            + json.path("error").asText() + " " + json.path("error_description").asText());
        }
        Map<String, Object> fields = JSON.convertValue(json, JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        Instant expiresAt = clock.instant().plusSeconds(json.path("expires_in").asLong(60));
        return new AccessToken(json.path("access_token").asText(), json.path("scope").asText(scope), expiresAt, fields);
    }

    private JsonNode getJson(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
        }
        return parse(response.body(), url);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.uri(), e);
        }
    }

    private static JsonNode parse(String body, String from) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(from + " did not answer JSON: " + body, e);
        }
    }

    private static JWK readKey(Path file) {
        try {
            return JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the client key " + file.toAbsolutePath(), e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("client key " + file.toAbsolutePath() + " is not a JWK: " + e.getMessage(), e);
        }
    }
}
