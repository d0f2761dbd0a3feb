package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.ingest.ObservationEncryptionInterceptor;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Observation values posted in plaintext are stored only as CKKS ciphertexts: checked through the REST
 * API, in the ciphertext store with the custodian's test secret key, and in the database files.
 */
class EncryptedIngestTest extends ServerTestBase {

    /** Bits of precision a value must keep through encryption at the logN 10 test preset (scale 2^40). */
    private static final double MIN_PRECISION_BITS = 20;

    @Autowired
    CiphertextStore ciphertextStore;

    @Autowired
    TestKeySet testKeySet;

    @Autowired
    DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void postedValue_isStoredOnlyAsCiphertext_thatDecryptsToIt() {
        IGenericClient client = client();
        String patient = newPatient(client);
        Observation weight = TestResources.weight(patient, 73.25, "2024-05-05");
        weight.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Weight 73.25 kg</div>");

        Observation stored = read(client, client.create().resource(weight).execute().getId().getIdPart());

        Quantity quantity = stored.getValueQuantity();
        assertThat(quantity.getValue()).as("plaintext value").isNull();
        assertThat(quantity.getUnit()).isEqualTo("kg");
        assertThat(quantity.getCode()).isEqualTo("kg");
        assertThat(quantity.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(stored.getCode().getCodingFirstRep().getCode()).isEqualTo("29463-7");
        assertThat(stored.getSubject().getReference()).isEqualTo(patient);
        assertThat(stored.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-05-05");
        assertThat(stored.hasText()).isFalse();
        Extension encrypted = quantity.getValueElement().getExtensionByUrl(ObservationEncryptionInterceptor.EXTENSION_URL);
        assertThat(encrypted).isNotNull();
        assertThat(sub(encrypted, ObservationEncryptionInterceptor.KEY_SET))
                .isEqualTo(testKeySet.version().keySetId());
        assertThat(sub(encrypted, ObservationEncryptionInterceptor.KEY_SET_VERSION))
                .isEqualTo(String.valueOf(testKeySet.version().version()));
        assertDecryptsTo(quantity, 73.25);
    }

    @Test
    void update_keepsAnEncryptedValueSentBack_andEncryptsANewPlaintextValue() {
        IGenericClient client = client();
        String patient = newPatient(client);
        String id = client.create().resource(TestResources.weight(patient, 80.5, "2024-08-08")).execute().getId().getIdPart();
        Observation stored = read(client, id);
        String firstBlob = blobId(stored.getValueQuantity());

        // A client that edits another element sends the encrypted value back as it got it.
        stored.setStatus(Observation.ObservationStatus.AMENDED);
        client.update().resource(stored).execute();
        Observation amended = read(client, id);
        assertThat(amended.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
        assertThat(blobId(amended.getValueQuantity())).isEqualTo(firstBlob);
        assertDecryptsTo(amended.getValueQuantity(), 80.5);

        // A corrected plaintext value replaces it with a new ciphertext.
        Observation corrected = TestResources.weight(patient, 81.75, "2024-08-08");
        corrected.setId(id);
        client.update().resource(corrected).execute();
        Quantity correctedValue = read(client, id).getValueQuantity();
        assertThat(blobId(correctedValue)).isNotEqualTo(firstBlob);
        assertDecryptsTo(correctedValue, 81.75);
    }

    @Test
    void transactionBundle_encryptsEveryObservation() {
        IGenericClient client = client();
        String patient = newPatient(client);
        double[] values = {61.5, 62.25, 63.0, 64.75, 65.125};
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < values.length; i++) {
            transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                    .setResource(TestResources.weight(patient, values[i], "2024-03-0" + (i + 1)))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }

        Bundle response = client.transaction().withBundle(transaction).execute();

        assertThat(response.getEntry()).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            String id = response.getEntry().get(i).getResponse().getLocation().split("/")[1];
            assertDecryptsTo(read(client, id).getValueQuantity(), values[i]);
        }
    }

    @Test
    void componentValues_areEncryptedEachInItsOwnCiphertext() {
        IGenericClient client = client();
        String patient = newPatient(client);

        Observation stored = read(client, client.create()
                .resource(TestResources.bloodPressure(patient, 118, 76, "2024-04-04T08:00:00Z"))
                .execute().getId().getIdPart());

        assertThat(stored.getComponent()).hasSize(2);
        assertThat(stored.getComponent()).allSatisfy(c -> assertThat(c.getValueQuantity().getValue()).isNull());
        assertDecryptsTo(stored.getComponent().get(0).getValueQuantity(), 118);
        assertDecryptsTo(stored.getComponent().get(1).getValueQuantity(), 76);
        assertThat(blobId(stored.getComponent().get(0).getValueQuantity()))
                .isNotEqualTo(blobId(stored.getComponent().get(1).getValueQuantity()));
    }

    @Test
    void valuesBeyondWhatCanBeEncrypted_are422_andNothingIsStored() throws Exception {
        IGenericClient client = client();
        String patient = newPatient(client);
        // 1e300 is too large; 1e400 is a valid FHIR decimal that is infinite as a double.
        for (String value : List.of("1e300", "-1e300", "1e400")) {
            HttpResponse<String> response = postJson("Observation", observationJson(patient, value));

            assertThat(response.statusCode()).as(value).isEqualTo(422);
            assertThat(outcomeText(response)).contains("cannot be encrypted");
        }
        // NaN is no FHIR decimal at all: the parser refuses it.
        assertThat(postJson("Observation", observationJson(patient, "\"NaN\"")).statusCode()).isEqualTo(400);

        Bundle stored = client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId(patient))
                .returnBundle(Bundle.class).execute();
        assertThat(stored.getEntry()).isEmpty();
    }

    @Test
    void aTransactionWithOneBadValue_storesNoneOfItsObservations() {
        IGenericClient client = client();
        String patient = newPatient(client);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().setResource(TestResources.weight(patient, 70, "2024-01-01"))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        transaction.addEntry().setResource(TestResources.weight(patient, 5e12, "2024-01-02"))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

        assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
                .hasMessageContaining("cannot be encrypted");

        Bundle stored = client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId(patient))
                .returnBundle(Bundle.class).execute();
        assertThat(stored.getEntry()).isEmpty();
    }

    @Test
    void searchesOnValues_are400_explainingThatValuesAreEncrypted() {
        IGenericClient client = client();
        for (String query : List.of("Observation?value-quantity=gt50",
                "Observation?component-value-quantity=lt90",
                "Observation?combo-value-quantity=120",
                "Observation?code=http://loinc.org|29463-7&value-quantity:missing=false")) {
            assertThatThrownBy(() -> client.search().byUrl(query).returnBundle(Bundle.class).execute())
                    .as(query)
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                        assertThat(e.getStatusCode()).isEqualTo(400);
                        OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
                        assertThat(outcome.getIssueFirstRep().getDiagnostics())
                                .contains("stored encrypted").contains("encrypted operations");
                    });
        }
    }

    @Test
    void valueSearchesByPostOrReverseChain_are400_too() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Observation/_search"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("value-quantity=gt50")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(400);
        assertThat(outcomeText(post)).contains("stored encrypted");

        assertThatThrownBy(() -> client().search().byUrl("Patient?_has:Observation:subject:value-quantity=gt50")
                        .returnBundle(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("stored encrypted");
    }

    @Test
    void databaseFiles_holdNoPostedValue() throws Exception {
        IGenericClient client = client();
        String patient = newPatient(client);
        // A value and a marker unlikely to occur anywhere by chance; the marker is stored in clear.
        String value = "8317.46" + (100 + (int) (Math.random() * 899));
        String marker = "marker-" + UUID.randomUUID();
        Observation observation = TestResources.weight(patient, Double.parseDouble(value), "2024-07-07");
        observation.getValueQuantity().setValue(new java.math.BigDecimal(value));
        observation.addNote().setText(marker);
        client.create().resource(observation).execute();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }

        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDir())) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }

        // The marker proves the scan reads stored resources at all (no compression hides them).
        assertThat(files).anyMatch(f -> contains(f, marker));
        assertThat(files).noneMatch(f -> contains(f, value));
    }

    private String newPatient(IGenericClient client) {
        return "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue())).execute()
                .getId().getIdPart();
    }

    private static Observation read(IGenericClient client, String id) {
        return client.read().resource(Observation.class).withId(id).execute();
    }

    private void assertDecryptsTo(Quantity quantity, double expected) {
        assertThat(quantity.getValue()).as("plaintext value").isNull();
        String blobId = blobId(quantity);
        assertThat(ciphertextStore.exists(blobId)).isTrue();
        double decrypted = testKeySet.decryptSlot0(ciphertextStore.get(blobId));
        PrecisionStats precision = PrecisionStats.of(new double[] {expected}, new double[] {decrypted});
        System.out.printf("encrypted ingest: %s decrypts to %s, %s%n", expected, decrypted, precision);
        assertThat(precision.minBits()).isGreaterThanOrEqualTo(MIN_PRECISION_BITS);
    }

    private static String blobId(Quantity quantity) {
        Extension encrypted = quantity.getValueElement().getExtensionByUrl(ObservationEncryptionInterceptor.EXTENSION_URL);
        assertThat(encrypted).as("encrypted-value extension").isNotNull();
        return sub(encrypted, ObservationEncryptionInterceptor.BLOB);
    }

    private static String sub(Extension extension, String url) {
        Extension sub = extension.getExtensionByUrl(url);
        assertThat(sub).as(url).isNotNull();
        return sub.getValue().primitiveValue();
    }

    private static String observationJson(String patient, String value) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"}]},"
                + "\"subject\":{\"reference\":\"" + patient + "\"},"
                + "\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"kg\"}}";
    }

    private HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/" + path))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String outcomeText(HttpResponse<String> response) {
        OperationOutcome outcome = CLIENT_CONTEXT.newJsonParser().parseResource(OperationOutcome.class, response.body());
        return outcome.getIssueFirstRep().getDiagnostics();
    }

    private static boolean contains(Path file, String text) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return indexOf(bytes, text.getBytes(StandardCharsets.UTF_8)) >= 0
                    || indexOf(bytes, text.getBytes(StandardCharsets.UTF_16LE)) >= 0
                    || indexOf(bytes, text.getBytes(StandardCharsets.UTF_16BE)) >= 0;
        } catch (IOException e) {
            // Lock files may vanish while we walk.
            return false;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
