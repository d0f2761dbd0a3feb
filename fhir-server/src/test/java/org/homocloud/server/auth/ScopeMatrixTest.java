package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Endpoint x scope x expected status, each row with a Backend Services token for exactly that scope, and the
 * granular scopes in searches.
 */
class ScopeMatrixTest {

    @AfterAll
    static void releaseServer() {
        SecuredServer.release();
    }


    private static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final String AGGREGATE = HomocloudScopes.AGGREGATE_SYSTEM;
    private static final String ADMIN = HomocloudScopes.ADMIN_SYSTEM;

    private static SecuredServer server;
    private static String patientId;
    private static String labObservationId;
    private static String vitalObservationId;

    @BeforeAll
    static void createData() {
        server = SecuredServer.get();
        IGenericClient admin = server.fhirClient(server.token("system/*.cruds"));
        patientId = admin.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId().getIdPart();
        labObservationId = admin.create().resource(observation("laboratory")).execute().getId().getIdPart();
        vitalObservationId = admin.create().resource(observation("vital-signs")).execute().getId().getIdPart();
    }

    private static Observation observation(String category) {
        Observation observation = TestResources.weight("Patient/" + patientId, 70.5, "2024-05-01");
        observation.addCategory(new CodeableConcept().addCoding(new Coding(CATEGORY_SYSTEM, category, category)));
        return observation;
    }

    /** One FHIR interaction, built against the data created above. */
    enum Endpoint {
        READ_PATIENT(s -> get("/Patient/" + patientId)),
        SEARCH_PATIENT(s -> get("/Patient?_id=" + patientId)),
        CREATE_PATIENT(s -> post("/Patient", patientJson(null))),
        UPDATE_PATIENT(s -> put("/Patient/" + patientId, patientJson(patientId))),
        DELETE_PATIENT(s -> delete("/Patient/" + disposablePatient())),
        READ_OBSERVATION(s -> get("/Observation/" + labObservationId)),
        ENCRYPTED_VALUE(s -> get("/Observation/" + labObservationId + "/$encrypted-value")),
        ENCRYPTED_MEAN(s -> post("/Observation/$encrypted-mean", emptyParameters())),
        ENCRYPTED_REGRESSION(s -> post("/Observation/$encrypted-regression", emptyParameters())),
        UPLOAD_KEY_SET(s -> post("/$upload-key-set", emptyParameters())),
        IMPORT_CIPHERTEXT(s -> post("/$import-ciphertext", emptyParameters())),
        METADATA(s -> get("/metadata"));

        private final Function<String, HttpRequest.Builder> request;

        Endpoint(Function<String, HttpRequest.Builder> request) {
            this.request = request;
        }
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
                row(Endpoint.READ_PATIENT, "system/Patient.rs", 200),
                row(Endpoint.READ_PATIENT, "system/Patient.r", 200),
                row(Endpoint.READ_PATIENT, "system/Patient.read", 200),
                row(Endpoint.READ_PATIENT, "system/*.read", 200),
                row(Endpoint.READ_PATIENT, "system/Patient.s", 403),
                row(Endpoint.READ_PATIENT, "system/Patient.cud", 403),
                row(Endpoint.READ_PATIENT, "system/Observation.rs", 403),
                row(Endpoint.READ_PATIENT, AGGREGATE, 403),
                row(Endpoint.READ_PATIENT, ADMIN, 403),
                row(Endpoint.SEARCH_PATIENT, "system/Patient.s", 200),
                row(Endpoint.SEARCH_PATIENT, "system/*.rs", 200),
                row(Endpoint.SEARCH_PATIENT, "system/Patient.r", 403),
                row(Endpoint.CREATE_PATIENT, "system/Patient.c", 201),
                row(Endpoint.CREATE_PATIENT, "system/*.write", 201),
                row(Endpoint.CREATE_PATIENT, "system/Patient.rs", 403),
                row(Endpoint.CREATE_PATIENT, "system/Patient.u", 403),
                row(Endpoint.UPDATE_PATIENT, "system/Patient.u", 200),
                row(Endpoint.UPDATE_PATIENT, "system/Patient.c", 403),
                row(Endpoint.UPDATE_PATIENT, "system/Patient.rs", 403),
                row(Endpoint.DELETE_PATIENT, "system/Patient.d", 200),
                row(Endpoint.DELETE_PATIENT, "system/Patient.cru", 403),
                row(Endpoint.READ_OBSERVATION, "system/Observation.r", 200),
                row(Endpoint.READ_OBSERVATION, "system/Observation.rs?category=laboratory", 200),
                row(Endpoint.READ_OBSERVATION, "system/Observation.rs?category=vital-signs", 403),
                row(Endpoint.READ_OBSERVATION, AGGREGATE, 403),
                row(Endpoint.ENCRYPTED_VALUE, "system/Observation.r", 200),
                row(Endpoint.ENCRYPTED_VALUE, "system/Observation.read", 200),
                row(Endpoint.ENCRYPTED_VALUE, "system/Observation.rs?category=laboratory", 200),
                row(Endpoint.ENCRYPTED_VALUE, "system/Observation.rs?category=vital-signs", 403),
                row(Endpoint.ENCRYPTED_VALUE, "system/Observation.s", 403),
                row(Endpoint.ENCRYPTED_VALUE, "system/Patient.rs", 403),
                row(Endpoint.ENCRYPTED_VALUE, AGGREGATE, 403),
                row(Endpoint.ENCRYPTED_VALUE, ADMIN, 403),
                row(Endpoint.ENCRYPTED_MEAN, AGGREGATE, 200),
                row(Endpoint.ENCRYPTED_MEAN, "system/Observation.rs", 403),
                row(Endpoint.ENCRYPTED_MEAN, "system/*.cruds", 403),
                row(Endpoint.ENCRYPTED_MEAN, ADMIN, 403),
                row(Endpoint.ENCRYPTED_REGRESSION, AGGREGATE, 200),
                row(Endpoint.ENCRYPTED_REGRESSION, "system/Observation.rs", 403),
                row(Endpoint.UPLOAD_KEY_SET, ADMIN, 200),
                row(Endpoint.UPLOAD_KEY_SET, "system/*.cruds", 403),
                row(Endpoint.UPLOAD_KEY_SET, AGGREGATE, 403),
                row(Endpoint.IMPORT_CIPHERTEXT, ADMIN, 200),
                row(Endpoint.IMPORT_CIPHERTEXT, "system/*.cruds", 403),
                row(Endpoint.IMPORT_CIPHERTEXT, AGGREGATE, 403),
                row(Endpoint.METADATA, "system/Patient.rs", 200));
    }

    private static Arguments row(Endpoint endpoint, String scope, int status) {
        return Arguments.of(endpoint, scope, status);
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("matrix")
    void endpoint_withScope_answers(Endpoint endpoint, String scope, int expectedStatus) {
        HttpRequest request = endpoint.request.apply(scope)
                .header("Authorization", "Bearer " + server.token(scope))
                .header("Accept", "application/fhir+json")
                .build();

        HttpResponse<String> response = server.send(request);

        System.out.printf("{\"matrix\":\"%s\",\"scope\":\"%s\",\"expected\":%d,\"status\":%d}%n",
                endpoint, scope, expectedStatus, response.statusCode());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        if (expectedStatus == 403) {
            assertThat(response.body().replace(" ", "")).contains("\"resourceType\":\"OperationOutcome\"");
        }
    }

    @Test
    void aggregateScope_operationSeesObservations_thoughNoneCanBeReadDirectly() {
        String token = server.token(AGGREGATE);

        HttpResponse<String> mean = server.send(post("/Observation/$encrypted-mean", emptyParameters())
                .header("Authorization", "Bearer " + token).build());
        HttpResponse<String> search = server.get(server.fhirBase() + "/Observation?subject=Patient/" + patientId, token);

        assertThat(mean.statusCode()).isEqualTo(200);
        assertThat(mean.body()).doesNotContain("\"valueInteger\": 0");
        assertThat(search.statusCode()).isEqualTo(403);
    }

    @Test
    void granularCategoryScope_searchReturnsOnlyThatCategory() {
        String token = server.token("system/Observation.rs?category=laboratory");

        Bundle found = server.fhirClient(token).search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId))
                .returnBundle(Bundle.class).execute();

        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(labObservationId);
    }

    @Test
    void unrestrictedScope_searchReturnsBothCategories() {
        Bundle found = server.fhirClient(server.token("system/Observation.rs")).search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId))
                .returnBundle(Bundle.class).execute();

        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(labObservationId, vitalObservationId);
    }

    private static String disposablePatient() {
        return server.fhirClient(server.token("system/Patient.c")).create()
                .resource(TestResources.patient(TestResources.uniqueValue())).execute().getId().getIdPart();
    }

    private static String patientJson(String id) {
        Patient patient = TestResources.patient(TestResources.uniqueValue());
        if (id != null) {
            patient.setId(id);
        }
        return FhirClients.context().newJsonParser().encodeResourceToString(patient);
    }

    private static String emptyParameters() {
        return "{\"resourceType\":\"Parameters\"}";
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.fhirBase() + path)).GET();
    }

    private static HttpRequest.Builder delete(String path) {
        return HttpRequest.newBuilder(URI.create(server.fhirBase() + path)).DELETE();
    }

    private static HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(server.fhirBase() + path))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder put(String path, String json) {
        return HttpRequest.newBuilder(URI.create(server.fhirBase() + path))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
    }
}
