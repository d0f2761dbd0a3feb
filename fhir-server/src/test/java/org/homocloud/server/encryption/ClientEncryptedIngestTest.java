package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The client-side encryption path: a custodian encrypts and packs values itself, imports the ciphertext
 * with {@code $import-ciphertext}, and posts Observations that name their slots; the server never sees the
 * plaintexts, checks everything before storing, and serves each value to a record-level reader.
 */
class ClientEncryptedIngestTest extends ServerTestBase {

    @Autowired
    TestKeySet testKeySet;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void importedCiphertext_backsObservationsThatDecryptToTheClientsValues() throws Exception {
        double[] values = {72.5, 88.25, 101.125};
        HttpResponse<String> imported = importCiphertext(testKeySet.encryptClientSide(values), "default", testKeySet.version().version(), values.length);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        Parameters result = CLIENT_CONTEXT.newJsonParser().parseResource(Parameters.class, imported.body());
        String group = result.getParameter("group").getValue().primitiveValue();

        IGenericClient client = client();
        String patient = "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue()))
                .execute().getId().getIdPart();
        double[] decrypted = new double[values.length];
        for (int slot = 0; slot < values.length; slot++) {
            Observation observation = TestResources.weight(patient, 0, "2024-09-0" + (slot + 1));
            EncryptedValueExtension.replaceValue(observation.getValueQuantity(),
                    new ValueLocation("default", testKeySet.version().version(), group, slot));
            String id = client.create().resource(observation).execute().getId().getIdPart();
            Map<String, Double> read = testKeySet.readValues(client, id);
            decrypted[slot] = read.get("valueQuantity");
        }
        PrecisionStats stats = PrecisionStats.of(values, decrypted);
        System.out.printf("client-encrypted %s -> %s, %s%n", Arrays.toString(values), Arrays.toString(decrypted), stats);
        assertThat(stats.minBits()).isGreaterThanOrEqualTo(20);

        Observation outside = TestResources.weight(patient, 0, "2024-09-09");
        EncryptedValueExtension.replaceValue(outside.getValueQuantity(),
                new ValueLocation("default", testKeySet.version().version(), group, values.length));
        HttpResponse<String> refused = postJson(CLIENT_CONTEXT.newJsonParser().encodeResourceToString(outside));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(diagnostics(refused)).contains("outside packing group");
    }

    @Test
    void badImports_areRefusedWithAnOperationOutcome_andStoreNothing() throws Exception {
        byte[] good = testKeySet.encryptClientSide(new double[] {1, 2});

        HttpResponse<String> garbage = importCiphertext("not a ciphertext".getBytes(), "default", 1, 2);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(diagnostics(garbage)).contains("not a ciphertext");

        HttpResponse<String> truncated = importCiphertext(Arrays.copyOf(good, good.length / 2), "default", 1, 2);
        assertThat(truncated.statusCode()).isEqualTo(400);

        HttpResponse<String> oversized = importCiphertext(new byte[good.length * 4 + 10_000], "default", 1, 2);
        assertThat(oversized.statusCode()).isEqualTo(413);

        HttpResponse<String> unknownKeySet = importCiphertext(good, "nobody", 1, 2);
        assertThat(unknownKeySet.statusCode()).isEqualTo(422);
        assertThat(diagnostics(unknownKeySet)).contains("unknown key set 'nobody'");

        HttpResponse<String> tooMany = importCiphertext(good, "default", 1, 100_000);
        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(diagnostics(tooMany)).contains("count must be between 1 and");

        HttpResponse<String> missingCount = http.send(HttpRequest.newBuilder(
                        URI.create(baseUrl() + "/$import-ciphertext?keySet=default&keySetVersion=1"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missingCount.statusCode()).isEqualTo(400);
        assertThat(diagnostics(missingCount)).contains("'count'");
    }

    private HttpResponse<String> importCiphertext(byte[] body, String keySet, int version, int count) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/$import-ciphertext?keySet=" + keySet
                        + "&keySetVersion=" + version + "&count=" + count))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Observation"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String diagnostics(HttpResponse<String> response) {
        return CLIENT_CONTEXT.newJsonParser().parseResource(OperationOutcome.class, response.body())
                .getIssueFirstRep().getDiagnostics();
    }
}
