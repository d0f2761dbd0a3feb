package org.homocloud.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.ServerTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code POST [base]/$upload-key-set} and {@code GET [base]/$key-set} against a running server. */
class KeySetUploadOperationTest extends ServerTestBase {

    private static final CkksParameters TEST_PARAMETERS = CkksPresets.insecureForTestingLogN10();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    KeySetRegistry registry;

    private static String newKeySetId() {
        return "upload-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> upload(String baseUrl, String keySetId, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/$upload-key-set?keySet=" + keySetId))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String diagnostics(HttpResponse<String> response) {
        return CLIENT_CONTEXT.newJsonParser().parseResource(OperationOutcome.class, response.body())
                .getIssueFirstRep().getDiagnostics();
    }

    @Test
    void upload_wellFormedKeySet_registersVersionOneAndAnswersItsFingerprint() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 3);

        HttpResponse<String> response = upload(baseUrl(), keySetId, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Parameters answer = CLIENT_CONTEXT.newJsonParser().parseResource(Parameters.class, response.body());
        assertThat(answer.getParameter("keySet").getValue().primitiveValue()).isEqualTo(keySetId);
        assertThat(((IntegerType) answer.getParameter("keySetVersion").getValue()).getValue()).isEqualTo(1);
        assertThat(answer.getParameter("fingerprint").getValue().primitiveValue())
                .isEqualTo(HexFormat.of().formatHex(TEST_PARAMETERS.fingerprint()));
        assertThat(registry.active(keySetId)).get().satisfies(v -> {
            assertThat(v.relinearizationKey()).isTrue();
            assertThat(v.galoisElements()).hasSize(3);
        });
        System.out.printf("key-set upload: %d bytes registered%n", body.length);
    }

    @Test
    void upload_secondTime_registersVersionTwo_andKeySetListsBoth() throws Exception {
        String keySetId = newKeySetId();
        assertThat(upload(baseUrl(), keySetId, UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 0)).statusCode()).isEqualTo(200);
        assertThat(upload(baseUrl(), keySetId, UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 1)).statusCode()).isEqualTo(200);

        Parameters description = client().operation().onServer().named("$key-set")
                .withParameter(Parameters.class, "keySet", new org.hl7.fhir.r4.model.StringType(keySetId))
                .useHttpGet().execute();

        assertThat(((IntegerType) description.getParameter("activeVersion").getValue()).getValue()).isEqualTo(2);
        assertThat(description.getParameters("version")).hasSize(2);
        assertThat(description.getParameters("version").get(1).getPart())
                .anySatisfy(p -> {
                    assertThat(p.getName()).isEqualTo("galoisKeys");
                    assertThat(((IntegerType) p.getValue()).getValue()).isEqualTo(1);
                });
    }

    @Test
    void upload_largerThanTheRequestSizeLimit_streamsThrough() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 120);
        assertThat(body.length).isGreaterThan(MAX_REQUEST_BYTES);

        HttpResponse<String> response = upload(baseUrl(), keySetId, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(registry.active(keySetId)).get().satisfies(v -> assertThat(v.galoisElements()).hasSize(120));
        System.out.printf("key-set upload past the %d-byte request limit: %d bytes registered%n", MAX_REQUEST_BYTES, body.length);
    }

    @Test
    void upload_badMagic_answers400_andRegistersNothing() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 0);
        body[3] = 'X';

        HttpResponse<String> response = upload(baseUrl(), keySetId, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(diagnostics(response)).contains("does not start with \"HCKU\"");
        assertThat(registry.versions(keySetId)).isEmpty();
    }

    @Test
    void upload_truncatedInTheEvaluationKeys_answers422_andRegistersNothing() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 2);

        HttpResponse<String> response = upload(baseUrl(), keySetId, Arrays.copyOf(body, body.length - 1000));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(diagnostics(response)).contains("nothing stored").contains("evaluation keys");
        assertThat(registry.versions(keySetId)).isEmpty();
    }

    @Test
    void upload_truncatedInTheHead_answers400() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 0);

        HttpResponse<String> response = upload(baseUrl(), keySetId, Arrays.copyOf(body, 200));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(diagnostics(response)).contains("truncated");
        assertThat(registry.versions(keySetId)).isEmpty();
    }

    @Test
    void upload_publicKeyOfOtherParameters_answers422_andRegistersNothing() throws Exception {
        String keySetId = newKeySetId();
        byte[] body = UploadBodies.container(TEST_PARAMETERS, CkksPresets.insecureForTestingLogN12(), 0);

        HttpResponse<String> response = upload(baseUrl(), keySetId, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(diagnostics(response)).contains("public key");
        assertThat(registry.versions(keySetId)).isEmpty();
    }

    @Test
    void upload_badKeySetId_answers400() throws Exception {
        HttpResponse<String> response = upload(baseUrl(), "bad.id", UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 0));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(diagnostics(response)).contains("bad key-set id 'bad.id'");
    }

    @Test
    void keySet_unknownId_answers404() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/$key-set?keySet=" + newKeySetId()))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(diagnostics(response)).contains("has no registered version");
    }

    @Test
    void upload_insecureParameters_onAServerThatDoesNotAllowThem_answers422() throws Exception {
        try (RunningServer server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + dataDir().resolve("secure-only-" + UUID.randomUUID()))) {
            String keySetId = newKeySetId();

            HttpResponse<String> response = upload(server.baseUrl(), keySetId,
                    UploadBodies.container(TEST_PARAMETERS, TEST_PARAMETERS, 0));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            assertThat(diagnostics(response)).contains("insecure-for-testing");
            assertThat(server.bean(KeySetRegistry.class).versions(keySetId)).isEmpty();
        }
    }
}
