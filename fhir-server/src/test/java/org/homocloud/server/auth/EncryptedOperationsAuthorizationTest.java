package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The real encrypted operations behind SMART authorization: encryption at ingest on, an INSECURE test key set,
 * and the command-line client's tokens.
 */
class EncryptedOperationsAuthorizationTest {

    private static Path dataDir;
    private static RunningServer server;
    private static TestKeySet keys;
    private static BackendServicesTokenClient tokens;
    private static String observationId;
    private static final String COHORT = "urn:auth-mean:" + TestResources.uniqueValue();
    private static final double[] WEIGHTS = {61.5, 70.25, 58.0, 82.75, 77.5, 64.0, 90.5, 55.25, 68.0, 73.5, 79.0};

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("homocloud-auth-encrypted-");
        server = RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.allow-insecure-parameters-for-testing=true");
        keys = TestKeySet.register(server.bean(KeySetRegistry.class), "default");
        tokens = BackendServicesTokenClient.forLocalServer(dataDir, server.baseUrl());
        IGenericClient writer = client("system/*.cruds");
        String patient = writer.create().resource(cohortPatient()).execute().getId().toUnqualifiedVersionless().getValue();
        observationId = writer.create().resource(TestResources.weight(patient, 72.5, "2024-03-01")).execute()
                .getId().getIdPart();
        // One weight per patient: the minimum cohort counts patients.
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (double weight : WEIGHTS) {
            String reference = "urn:uuid:" + TestResources.uniqueValue();
            transaction.addEntry().setFullUrl(reference).setResource(cohortPatient())
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            transaction.addEntry().setResource(TestResources.weight(reference, weight, "2024-04-01"))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        writer.transaction().withBundle(transaction).execute();
    }

    private static org.hl7.fhir.r4.model.Patient cohortPatient() {
        org.hl7.fhir.r4.model.Patient cohortPatient = TestResources.patient(TestResources.uniqueValue());
        cohortPatient.addIdentifier().setSystem(COHORT).setValue(TestResources.uniqueValue());
        return cohortPatient;
    }

    @AfterAll
    static void stop() {
        server.close();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private static IGenericClient client(String scope) {
        IGenericClient client = FhirClients.client(server.baseUrl());
        client.registerInterceptor(new BearerTokenAuthInterceptor(tokens.token(scope).value()));
        return client;
    }

    @Test
    void encryptedValue_withReadScope_returnsTheCiphertext_thatDecryptsToTheValue() {
        Map<String, Double> values = keys.readValues(client("system/Observation.r"), observationId);

        double error = Math.abs(values.get("valueQuantity") - 72.5);
        System.out.printf("{\"test\":\"encryptedValue_withReadScope\",\"expected\":72.5,\"decrypted\":%.9f,\"log2Error\":%.1f}%n",
                values.get("valueQuantity"), Math.log(error) / Math.log(2));
        assertThat(error).isLessThan(1e-3);
    }

    @Test
    void encryptedValue_withSearchOnlyOrAggregateScope_is403() {
        assertThatThrownBy(() -> keys.readValues(client("system/Observation.s"), observationId))
                .isInstanceOf(ForbiddenOperationException.class);
        assertThatThrownBy(() -> keys.readValues(client(HomocloudScopes.AGGREGATE_SYSTEM), observationId))
                .isInstanceOf(ForbiddenOperationException.class);
    }

    @Test
    void encryptedMean_withAggregateScope_decryptsToThePlaintextMean_whileRecordScopesAre403() {
        Parameters result = mean(client(HomocloudScopes.AGGREGATE_SYSTEM));
        double expected = (java.util.Arrays.stream(WEIGHTS).sum() + 72.5) / (WEIGHTS.length + 1);
        byte[] ciphertext = result.getParameter().stream().filter(p -> p.getName().equals("statistic"))
                .filter(p -> p.getPart().stream().anyMatch(part -> part.getName().equals("name")
                        && part.getValue().primitiveValue().equals("mean")))
                .flatMap(p -> p.getPart().stream()).filter(part -> part.getName().equals("ciphertext"))
                .map(part -> ((Base64BinaryType) part.getValue()).getValue()).findFirst().orElseThrow();
        double decrypted = keys.decryptSlot(ciphertext, 0);

        System.out.printf("{\"test\":\"encryptedMean_withAggregateScope\",\"expected\":%.9f,\"decrypted\":%.9f}%n",
                expected, decrypted);
        assertThat(Math.abs(decrypted - expected)).isLessThan(1e-3);
        assertThatThrownBy(() -> mean(client("system/Observation.rs"))).isInstanceOf(ForbiddenOperationException.class);
        assertThatThrownBy(() -> mean(client(HomocloudScopes.ADMIN_SYSTEM))).isInstanceOf(ForbiddenOperationException.class);
    }

    /**
     * A Group cohort needs only the aggregate scope: the Group is read on the operation's behalf, as its
     * Observations are, while the same token still cannot read the Group itself.
     */
    @Test
    void encryptedMean_overAGroup_withAggregateScope_decryptsToThePlaintextMean_butTheGroupStaysUnreadable() {
        IGenericClient writer = client("system/*.cruds");
        Bundle patients = writer.search().forResource(org.hl7.fhir.r4.model.Patient.class)
                .where(org.hl7.fhir.r4.model.Patient.IDENTIFIER.hasSystemWithAnyCode(COHORT))
                .count(100).returnBundle(Bundle.class).execute();
        org.hl7.fhir.r4.model.Group group = new org.hl7.fhir.r4.model.Group().setActual(true)
                .setType(org.hl7.fhir.r4.model.Group.GroupType.PERSON);
        patients.getEntry().forEach(entry -> group.addMember().getEntity()
                .setReference(entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()));
        String groupId = writer.create().resource(group).execute().getId().toUnqualifiedVersionless().getValue();
        IGenericClient aggregate = client(HomocloudScopes.AGGREGATE_SYSTEM);

        Parameters result = aggregate.fetchResourceFromUrl(Parameters.class, server.baseUrl()
                + "/Observation/$encrypted-mean?statistic=mean&code="
                + java.net.URLEncoder.encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT,
                        java.nio.charset.StandardCharsets.UTF_8)
                + "&subject=" + java.net.URLEncoder.encode(groupId, java.nio.charset.StandardCharsets.UTF_8));
        double expected = (java.util.Arrays.stream(WEIGHTS).sum() + 72.5) / (WEIGHTS.length + 1);
        byte[] ciphertext = result.getParameter().stream().filter(p -> p.getName().equals("statistic"))
                .flatMap(p -> p.getPart().stream()).filter(part -> part.getName().equals("ciphertext"))
                .map(part -> ((Base64BinaryType) part.getValue()).getValue()).findFirst().orElseThrow();
        double decrypted = keys.decryptSlot(ciphertext, 0);

        System.out.printf("{\"test\":\"encryptedMean_overAGroup_withAggregateScope\",\"members\":%d,\"expected\":%.9f,"
                + "\"decrypted\":%.9f,\"relativeError\":%.2e}%n", group.getMember().size(), expected, decrypted,
                Math.abs(decrypted - expected) / expected);
        assertThat(group.getMember()).hasSize(WEIGHTS.length + 1);
        assertThat(Math.abs(decrypted - expected) / expected).isLessThan(1e-6);
        assertThatThrownBy(() -> aggregate.read().resource(org.hl7.fhir.r4.model.Group.class).withUrl(groupId).execute())
                .isInstanceOf(ForbiddenOperationException.class);
    }

    private static Parameters mean(IGenericClient client) {
        return client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new StringParam(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient.identifier", new TokenParam(COHORT, null))
                .andSearchParameter("statistic", new StringParam("mean"))
                .useHttpGet().execute();
    }

    @Test
    void importCiphertext_needsTheAdministrativeScope() throws Exception {
        int withAdmin = importGarbage(HomocloudScopes.ADMIN_SYSTEM);
        int withRecords = importGarbage("system/*.cruds");

        assertThat(withAdmin).as("allowed, then refused as bad input").isBetween(400, 422).isNotEqualTo(403);
        assertThat(withRecords).isEqualTo(403);
    }

    private int importGarbage(String scope) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/$import-ciphertext?keySet=default&keySetVersion=1&count=1"))
                .header("Authorization", "Bearer " + tokens.token(scope).value())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
