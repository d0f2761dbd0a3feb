package org.homocloud.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;

/** Create, read, update, delete, history and conditional create, as an EHR drives them. */
class CrudTest extends ServerTestBase {

    @Test
    void metadata_returnsR4CapabilityStatement_withObservationSearchParameters() {
        CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(capabilities.getFhirVersion().toCode()).isEqualTo("4.0.1");
        CapabilityStatement.CapabilityStatementRestResourceComponent observation = capabilities.getRestFirstRep()
                .getResource().stream()
                .filter(r -> r.getType().equals("Observation"))
                .findFirst()
                .orElseThrow();
        assertThat(observation.getSearchParam()).extracting(p -> p.getName())
                .contains("patient", "code", "date", "component-code");
    }

    @Test
    void create_thenRead_returnsSameContent_withServerAssignedId() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();

        MethodOutcome outcome = client.create().resource(TestResources.patient(identifier)).execute();
        Patient read = client.read().resource(Patient.class).withId(outcome.getId().toUnqualifiedVersionless()).execute();

        assertThat(outcome.getCreated()).isTrue();
        assertThat(read.getIdElement().getIdPart()).isEqualTo(outcome.getId().getIdPart());
        assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(identifier);
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    }

    @Test
    void update_createsNewVersion_andHistoryListsEveryVersion() {
        IGenericClient client = client();
        IIdType id = client.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId()
                .toUnqualifiedVersionless();
        Patient patient = client.read().resource(Patient.class).withId(id).execute();

        patient.getNameFirstRep().setFamily("Renamed");
        MethodOutcome updated = client.update().resource(patient).execute();
        Bundle history = client.history().onInstance(id).returnBundle(Bundle.class).execute();
        Patient firstVersion = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();

        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
        assertThat(history.getEntry()).hasSize(2);
        assertThat(firstVersion.getNameFirstRep().getFamily()).isEqualTo("Tester");
        assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
                .isEqualTo("Renamed");
    }

    @Test
    void delete_makesReadAnswerGone() {
        IGenericClient client = client();
        IIdType id = client.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId()
                .toUnqualifiedVersionless();

        client.delete().resourceById(id).execute();

        assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
                .isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void read_unknownId_isNotFound() {
        assertThatThrownBy(() -> client().read().resource(Patient.class).withId("no-such-patient").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void conditionalCreate_withMatchingIdentifier_returnsExistingResource() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();
        String condition = "identifier=" + TestResources.IDENTIFIER_SYSTEM + "|" + identifier;

        MethodOutcome first = client.create().resource(TestResources.patient(identifier)).conditionalByUrl(
                "Patient?" + condition).execute();
        MethodOutcome second = client.create().resource(TestResources.patient(identifier)).conditionalByUrl(
                "Patient?" + condition).execute();
        Bundle matches = client.search().byUrl("Patient?" + condition).returnBundle(Bundle.class).execute();

        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        assertThat(matches.getEntry()).hasSize(1);
    }

    @Test
    void create_observationReferencingMissingPatient_isRejected() {
        Observation orphan = TestResources.weight("Patient/does-not-exist", 70.0, "2024-01-01");

        assertThatThrownBy(() -> client().create().resource(orphan).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isIn(400, 404, 422));
    }
}
