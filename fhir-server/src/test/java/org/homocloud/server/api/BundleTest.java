package org.homocloud.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;

/** Transaction and batch Bundles, the way EHRs push a patient's record in one request. */
class BundleTest extends ServerTestBase {

    @Test
    void transaction_resolvesUrnUuidReferences_toServerIds() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();
        String patientUrn = "urn:uuid:" + UUID.randomUUID();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        post(transaction, patientUrn, TestResources.patient(identifier));
        post(transaction, "urn:uuid:" + UUID.randomUUID(), TestResources.weight(patientUrn, 80, "2024-02-02"));
        post(transaction, "urn:uuid:" + UUID.randomUUID(), TestResources.bloodPressure(patientUrn, 130, 85, "2024-02-02"));

        Bundle response = client.transaction().withBundle(transaction).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
        String patientId = response.getEntry().get(0).getResponse().getLocation().replaceAll("/_history/.*", "");
        Bundle observations = client.search().byUrl("Observation?patient=" + patientId)
                .returnBundle(Bundle.class).execute();
        assertThat(observations.getEntry()).hasSize(2).allSatisfy(e ->
                assertThat(((Observation) e.getResource()).getSubject().getReference()).isEqualTo(patientId));
    }

    @Test
    void transaction_withConditionalCreate_doesNotDuplicatePatient() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();
        String condition = "identifier=" + TestResources.IDENTIFIER_SYSTEM + "|" + identifier;
        for (int i = 0; i < 2; i++) {
            Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            String patientUrn = "urn:uuid:" + UUID.randomUUID();
            transaction.addEntry().setFullUrl(patientUrn).setResource(TestResources.patient(identifier)).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist(condition);
            post(transaction, "urn:uuid:" + UUID.randomUUID(), TestResources.weight(patientUrn, 60 + i, "2024-01-0" + (i + 1)));
            client.transaction().withBundle(transaction).execute();
        }

        Bundle patients = client.search().byUrl("Patient?" + condition).returnBundle(Bundle.class).execute();
        String patientId = "Patient/" + patients.getEntryFirstRep().getResource().getIdElement().getIdPart();
        Bundle observations = client.search().byUrl("Observation?patient=" + patientId).returnBundle(Bundle.class).execute();

        assertThat(patients.getEntry()).hasSize(1);
        assertThat(observations.getEntry()).hasSize(2);
    }

    @Test
    void failedTransaction_leavesNothingWritten() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();
        String patientUrn = "urn:uuid:" + UUID.randomUUID();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        post(transaction, patientUrn, TestResources.patient(identifier));
        post(transaction, "urn:uuid:" + UUID.randomUUID(), TestResources.weight(patientUrn, 80, "2024-02-02"));
        // The last entry points at a patient the server does not hold, so the whole transaction must fail.
        post(transaction, "urn:uuid:" + UUID.randomUUID(), TestResources.weight("Patient/not-on-this-server", 80, "2024-02-02"));

        assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> {
                    BaseServerResponseException error = (BaseServerResponseException) e;
                    assertThat(error.getStatusCode()).isBetween(400, 499);
                    assertThat(error.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
                });
        Bundle patients = client.search().byUrl("Patient?identifier=" + TestResources.IDENTIFIER_SYSTEM + "|" + identifier)
                .returnBundle(Bundle.class).execute();
        assertThat(patients.getEntry()).isEmpty();
    }

    @Test
    void batch_processesEntriesIndependently() {
        IGenericClient client = client();
        String identifier = TestResources.uniqueValue();
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setResource(TestResources.patient(identifier)).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/not-on-this-server");

        Bundle response = client.transaction().withBundle(batch).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
        Bundle patients = client.search().byUrl("Patient?identifier=" + TestResources.IDENTIFIER_SYSTEM + "|" + identifier)
                .returnBundle(Bundle.class).execute();
        assertThat(patients.getEntry()).hasSize(1);
        assertThat(patients.getEntryFirstRep().getResource()).isInstanceOf(Patient.class);
    }

    private static void post(Bundle bundle, String fullUrl, Resource resource) {
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
    }
}
