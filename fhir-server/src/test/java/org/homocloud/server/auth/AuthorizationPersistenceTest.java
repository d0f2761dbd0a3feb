package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.server.LaunchContexts;
import org.homocloud.server.support.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * What the authorization server issued outlives the process that issued it: after a restart on the same
 * database, an access token still introspects as active and still reads FHIR, a client assertion already
 * used is still refused as a replay, and an EHR launch handle still brings its patient and encounter. (The same tables are what several servers sharing one database consult.)
 */
class AuthorizationPersistenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dataDir;
    private int port;

    @AfterEach
    void removeDataDir() {
        if (dataDir != null) {
            FileSystemUtils.deleteRecursively(dataDir.toFile());
        }
    }

    @Test
    void afterARestart_tokensStayActive_andUsedAssertionsStayRefused() throws Exception {
        dataDir = Files.createTempDirectory("homocloud-auth-persist-");
        // The same address before and after: the issuer (and every token's iss and aud) is the server's URL.
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String token;
        String usedAssertion;
        String launch;
        try (RunningServer server = start()) {
            BackendServicesTokenClient cli = BackendServicesTokenClient.forLocalServer(dataDir, server.baseUrl());
            token = cli.token("system/Patient.rs").value();
            usedAssertion = cli.signAssertion();
            assertThat(requestToken(cli.tokenEndpoint(), usedAssertion).statusCode()).isEqualTo(200);
            HttpResponse<String> minted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/auth/launch?patient=persisted-patient&encounter=encounter-9"))
                    .header("Authorization", "Bearer " + cli.token("system/$homocloud-admin").value())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
            launch = JSON.readTree(minted.body()).path("launch").asText();
        }

        try (RunningServer restarted = start()) {
            BackendServicesTokenClient cli = BackendServicesTokenClient.forLocalServer(dataDir, restarted.baseUrl());

            JsonNode introspection = JSON.readTree(introspect(restarted, cli, token).body());
            HttpResponse<String> replay = requestToken(cli.tokenEndpoint(), usedAssertion);
            HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(restarted.baseUrl() + "/Patient"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());

            System.out.printf("after restart: introspection %s, replayed assertion %d %s, FHIR read %d%n",
                    introspection, replay.statusCode(), replay.body(), read.statusCode());
            assertThat(introspection.path("active").asBoolean()).as("token issued before the restart").isTrue();
            assertThat(introspection.path("scope").asText()).isEqualTo("system/Patient.rs");
            assertThat(replay.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(replay.body()).path("error").asText()).isEqualTo("invalid_client");
            assertThat(read.statusCode()).isEqualTo(200);
            // An EHR launch minted before the restart still brings its context (an app may be mid-launch).
            assertThat(restarted.bean(LaunchContexts.class).resolve(launch))
                    .contains(new LaunchContexts.LaunchContext("persisted-patient", "encounter-9"));
        }
    }

    private RunningServer start() {
        return RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.enabled=false",
                "server.port=" + port);
    }

    private HttpResponse<String> requestToken(String tokenEndpoint, String assertion) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", "system/Patient.rs");
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", assertion);
        return post(tokenEndpoint, form);
    }

    private HttpResponse<String> introspect(RunningServer server, BackendServicesTokenClient cli, String token)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", cli.signAssertion());
        return post("http://127.0.0.1:" + server.port() + "/oauth2/introspect", form);
    }

    private HttpResponse<String> post(String url, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
