package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.homocloud.server.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * A FHIR server that trusts an external OpenID Connect issuer: here the shared secured server plays the
 * external issuer, and a second server accepts its tokens through discovery and JWKS alone.
 */
class ExternalIssuerTest {

    private static SecuredServer issuer;
    private static Path dataDir;
    private static RunningServer resourceServer;

    @BeforeAll
    static void start() throws Exception {
        issuer = SecuredServer.get();
        dataDir = Files.createTempDirectory("homocloud-auth-external-");
        resourceServer = RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.security.external-issuer=" + issuer.origin(),
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.enabled=false");
    }

    @AfterAll
    static void stop() {
        resourceServer.close();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
        SecuredServer.release();
    }

    @Test
    void tokenOfTheExternalIssuer_isAccepted_andItsScopesApply() throws Exception {
        String token = issuer.token("system/Patient.rs");

        assertThat(get("/Patient?_count=1", token).statusCode()).isEqualTo(200);
        assertThat(get("/Observation?_count=1", token).statusCode()).isEqualTo(403);
    }

    @Test
    void withoutToken_is401_andNoEmbeddedAuthorizationServerRuns() throws Exception {
        assertThat(get("/Patient", null).statusCode()).isEqualTo(401);
        assertThat(Files.exists(dataDir.resolve("auth").resolve("signing-keys.jwks.json"))).isFalse();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(resourceServer.baseUrl() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
