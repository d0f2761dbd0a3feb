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
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.packing.PackingIndex;
import org.homocloud.fhir.packing.Repacker;
import org.homocloud.fhir.packing.ValueLocation;
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
    PackingIndex packingIndex;

    @Autowired
    Repacker repacker;

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

        String id = client.create().resource(weight).execute().getId().getIdPart();
        Observation stored = read(client, id);

        Quantity quantity = stored.getValueQuantity();
        assertThat(quantity.getValue()).as("plaintext value").isNull();
        assertThat(quantity.getUnit()).isEqualTo("kg");
        assertThat(quantity.getCode()).isEqualTo("kg");
        assertThat(quantity.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(stored.getCode().getCodingFirstRep().getCode()).isEqualTo("29463-7");
        assertThat(stored.getSubject().getReference()).isEqualTo(patient);
        assertThat(stored.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-05-05");
        assertThat(stored.hasText()).isFalse();
        ValueLocation location = location(quantity);
        assertThat(location.keySetId()).isEqualTo(testKeySet.version().keySetId());
        assertThat(location.keySetVersion()).isEqualTo(testKeySet.version().version());
        assertDecryptsTo(client, id, "valueQuantity", 73.25);
    }

    @Test
    void update_keepsAnEncryptedValueSentBack_andEncryptsANewPlaintextValue() {
        IGenericClient client = client();
        String patient = newPatient(client);
        String id = client.create().resource(TestResources.weight(patient, 80.5, "2024-08-08")).execute().getId().getIdPart();
        Observation stored = read(client, id);
        ValueLocation first = location(stored.getValueQuantity());

        // A client that edits another element sends the encrypted value back as it got it.
        stored.setStatus(Observation.ObservationStatus.AMENDED);
        client.update().resource(stored).execute();
        Observation amended = read(client, id);
        assertThat(amended.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
        assertThat(location(amended.getValueQuantity())).isEqualTo(first);
        assertDecryptsTo(client, id, "valueQuantity", 80.5);

        // A corrected plaintext value replaces it with a new ciphertext.
        Observation corrected = TestResources.weight(patient, 81.75, "2024-08-08");
        corrected.setId(id);
        client.update().resource(corrected).execute();
        Quantity correctedValue = read(client, id).getValueQuantity();
        assertThat(location(correctedValue)).isNotEqualTo(first);
        assertDecryptsTo(client, id, "valueQuantity", 81.75);
    }

    @Test
    void transactionBundle_encryptsEveryObservation_intoOneSharedCiphertext() {
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
        List<ValueLocation> locations = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            String id = response.getEntry().get(i).getResponse().getLocation().split("/")[1];
            locations.add(location(read(client, id).getValueQuantity()));
            assertDecryptsTo(client, id, "valueQuantity", values[i]);
        }
        assertThat(locations).extracting(ValueLocation::groupId).containsOnly(locations.get(0).groupId());
        assertThat(packingIndex.parts(locations.get(0).groupId()))
                .filteredOn(p -> p.holds(locations.get(0).slot())).singleElement()
                .satisfies(p -> assertThat(p.slotCount()).as("one part for the Bundle").isEqualTo(values.length));
    }

    @Test
    void componentValues_areEncryptedEachInItsOwnSlot_andReadBackOneByOne() {
        IGenericClient client = client();
        String patient = newPatient(client);

        String id = client.create().resource(TestResources.bloodPressure(patient, 118, 76, "2024-04-04T08:00:00Z"))
                .execute().getId().getIdPart();
        Observation stored = read(client, id);

        assertThat(stored.getComponent()).hasSize(2);
        assertThat(stored.getComponent()).allSatisfy(c -> assertThat(c.getValueQuantity().getValue()).isNull());
        assertDecryptsTo(client, id, "component[0].valueQuantity", 118);
        assertDecryptsTo(client, id, "component[1].valueQuantity", 76);
        assertThat(location(stored.getComponent().get(0).getValueQuantity()))
                .isNotEqualTo(location(stored.getComponent().get(1).getValueQuantity()));
    }

    @Test
    void encryptedValueOfAPackedRecord_holdsThatRecordOnly_afterRepacking() {
        IGenericClient client = client();
        String patient = newPatient(client);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 20; i++) {
            transaction.addEntry().setResource(TestResources.weight(patient, 500 + i, "2024-02-" + (10 + i)))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        Bundle response = client.transaction().withBundle(transaction).execute();
        String id = response.getEntry().get(7).getResponse().getLocation().split("/")[1];
        ValueLocation location = location(read(client, id).getValueQuantity());
        repacker.repackAll();
        assertThat(packingIndex.group(location.groupId()).orElseThrow().packedBlob()).isNotNull();

        Parameters result = client.operation().onInstance(new IdType("Observation", id)).named("$encrypted-value")
                .withNoParameters(Parameters.class).useHttpGet().execute();
        byte[] ciphertext = ((org.hl7.fhir.r4.model.Base64BinaryType) result.getParameterFirstRep().getPart().stream()
                .filter(p -> p.getName().equals("ciphertext")).findFirst().orElseThrow().getValue()).getValue();
        double largestOther = 0;
        for (int slot = 0; slot < 512; slot++) {
            double v = testKeySet.decryptSlot(ciphertext, slot);
            if (slot == location.slot()) {
                assertThat(v).isCloseTo(507, org.assertj.core.data.Offset.offset(1e-4));
            } else {
                largestOther = Math.max(largestOther, Math.abs(v));
            }
        }
        System.out.printf("record-level read after repacking: largest other slot %.3g%n", largestOther);
        assertThat(largestOther).as("no neighbour's value (500..519) in the ciphertext").isLessThan(1e-5);
    }

    @Test
    void aSecondUnitForTheSameCode_is422() throws Exception {
        IGenericClient client = client();
        String patient = newPatient(client);
        client.create().resource(TestResources.weight(patient, 70, "2024-01-01")).execute();
        String pounds = observationJson(patient, "154").replace("\"unit\":\"kg\"",
                "\"unit\":\"lb\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"[lb_av]\"");

        HttpResponse<String> response = postJson("Observation", pounds);

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(outcomeText(response)).contains("[lb_av]").contains("29463-7");
    }

    @Test
    void theExtensionsStructureDefinition_isPublished() {
        StructureDefinition definition = client().read().resource(StructureDefinition.class).withId("encrypted-value")
                .execute();
        assertThat(definition.getUrl()).isEqualTo(EncryptedValueExtension.URL);
        assertThat(definition.getContextFirstRep().getExpression()).isEqualTo("Quantity.value");
        assertThat(definition.getDifferential().getElement()).extracting(e -> e.getSliceName())
                .contains("keySet", "keySetVersion", "group", "slot");
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
        observation.addIdentifier().setSystem("urn:test").setValue(marker);
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

    /** Reads the value through $encrypted-value, as a reader of this record, and decrypts it. */
    private void assertDecryptsTo(IGenericClient client, String id, String path, double expected) {
        Double decrypted = testKeySet.readValues(client, id).get(path);
        assertThat(decrypted).as(path + " of Observation/" + id).isNotNull();
        PrecisionStats precision = PrecisionStats.of(new double[] {expected}, new double[] {decrypted});
        System.out.printf("encrypted ingest: %s decrypts to %s, %s%n", expected, decrypted, precision);
        assertThat(precision.minBits()).isGreaterThanOrEqualTo(MIN_PRECISION_BITS);
    }

    private static ValueLocation location(Quantity quantity) {
        assertThat(quantity.getValue()).as("plaintext value").isNull();
        return EncryptedValueExtension.read(quantity).orElseThrow(() -> new AssertionError("no encrypted-value extension"));
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
