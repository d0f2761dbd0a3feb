package org.homocloud.server.auth;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
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
import java.util.Map;
import java.util.stream.Collectors;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.springframework.util.FileSystemUtils;

/**
 * One server with SMART authorization on, shared by the methods of an auth test class (starting HAPI costs tens of seconds), with
 * two Backend Services clients (ES384 and RS384 keys held here), a public and a confidential App Launch client,
 * encryption off, and stand-ins for the encrypted operations.
 */
final class SecuredServer {

    static final String ES384_CLIENT = "ehr-es384";
    static final String RS384_CLIENT = "ehr-rs384";
    static final String PUBLIC_APP = "test-app";
    static final String CONFIDENTIAL_APP = "test-app-confidential";
    static final String REDIRECT_URI = "http://127.0.0.1/callback";
    static final String APP_SCOPES = "launch launch/patient openid fhirUser offline_access online_access patient/*.cruds user/*.cruds";
    static final String RS384_SCOPES = "system/Patient.rs system/Observation.rs";

    private static SecuredServer shared;

    final RunningServer server;
    final Path dataDir;
    final ECKey es384Key;
    final RSAKey rs384Key;
    final RSAKey appKey;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private SecuredServer(RunningServer server, Path dataDir, ECKey es384Key, RSAKey rs384Key, RSAKey appKey) {
        this.server = server;
        this.dataDir = dataDir;
        this.es384Key = es384Key;
        this.rs384Key = rs384Key;
        this.appKey = appKey;
    }

    static synchronized SecuredServer get() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /**
     * Stops the shared server; each test class calls this when it is done. A server left running would keep
     * Spring Boot from configuring logging for the next application context in this JVM (ServerTestBase's
     * tests read their server's log file).
     */
    static synchronized void release() {
        if (shared != null) {
            shared.server.close();
            FileSystemUtils.deleteRecursively(shared.dataDir.toFile());
            shared = null;
        }
    }

    private static SecuredServer start() {
        try {
            Path dataDir = Files.createTempDirectory("homocloud-auth-test-");
            ECKey es = new ECKeyGenerator(Curve.P_384).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384)
                    .keyIDFromThumbprint(true).generate();
            RSAKey rs = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS384)
                    .keyIDFromThumbprint(true).generate();
            RSAKey app = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS384)
                    .keyIDFromThumbprint(true).generate();
            Path esJwks = publicJwks(dataDir, "es.jwks.json", es);
            Path rsJwks = publicJwks(dataDir, "rs.jwks.json", rs);
            Path appJwks = publicJwks(dataDir, "app.jwks.json", app);
            RunningServer server = RunningServer.start(null,
                    "homocloud.security.enabled=true",
                    "homocloud.storage.data-dir=" + dataDir,
                    "homocloud.encryption.enabled=false",
                    "homocloud.security.max-failed-logins=3",
                    "homocloud.security.clients[0].client-id=" + ES384_CLIENT,
                    "homocloud.security.clients[0].jwks-file=" + esJwks,
                    "homocloud.security.clients[0].scope=system/*.cruds",
                    "homocloud.security.clients[1].client-id=" + RS384_CLIENT,
                    "homocloud.security.clients[1].jwks-file=" + rsJwks,
                    "homocloud.security.clients[1].scope=" + RS384_SCOPES,
                    "homocloud.security.clients[2].client-id=" + PUBLIC_APP,
                    "homocloud.security.clients[2].redirect-uris[0]=" + REDIRECT_URI,
                    "homocloud.security.clients[2].scope=" + APP_SCOPES,
                    "homocloud.security.clients[3].client-id=" + CONFIDENTIAL_APP,
                    "homocloud.security.clients[3].redirect-uris[0]=" + REDIRECT_URI,
                    "homocloud.security.clients[3].jwks-file=" + appJwks,
                    "homocloud.security.clients[3].scope=" + APP_SCOPES);
            server.bean(RestfulServer.class).registerProvider(new StubEncryptedOperations(server.bean(DaoRegistry.class)));
            return new SecuredServer(server, dataDir, es, rs, app);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the secured test server", e);
        }
    }

    private static Path publicJwks(Path dir, String name, JWK key) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, new JWKSet(key.toPublicJWK()).toString());
        return file;
    }

    String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    String fhirBase() {
        return server.baseUrl();
    }

    String tokenEndpoint() {
        return origin() + "/oauth2/token";
    }

    /** The command-line client the server registered on first start, as ./homocloud uses it. */
    BackendServicesTokenClient cli() {
        return BackendServicesTokenClient.forLocalServer(dataDir, fhirBase());
    }

    /** A fresh token for {@code scope} from the command-line client (registered for system/*.cruds and both Homocloud scopes). */
    String token(String scope) {
        return BackendServicesTokenClient.forLocalServer(dataDir, fhirBase()).token(scope).value();
    }

    IGenericClient fhirClient(String token) {
        IGenericClient client = FhirClients.client(fhirBase());
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return client;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    HttpResponse<String> postForm(String url, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build());
    }

    HttpResponse<String> postFormWithToken(String url, Map<String, String> form, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
