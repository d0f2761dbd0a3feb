package org.homocloud.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Observation searches an analytics client relies on: by patient, code, date and component code, with paging. */
class SearchTest extends ServerTestBase {

    private IGenericClient client;
    private String patient;

    @BeforeEach
    void createPatientWithObservations() {
        client = client();
        IIdType id = client.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId();
        patient = "Patient/" + id.getIdPart();
        client.create().resource(TestResources.weight(patient, 70.5, "2020-03-01T10:00:00Z")).execute();
        client.create().resource(TestResources.weight(patient, 71.0, "2022-03-01T10:00:00Z")).execute();
        client.create().resource(TestResources.weight(patient, 72.5, "2024-03-01T10:00:00Z")).execute();
        client.create().resource(TestResources.bloodPressure(patient, 120, 80, "2023-05-05T09:00:00Z")).execute();
    }

    @Test
    void byPatient_findsAllOfThatPatientsObservations() {
        assertThat(count("Observation?patient=" + patient)).isEqualTo(4);
    }

    @Test
    void byPatientAndCode_findsOnlyMatchingCode() {
        assertThat(count("Observation?patient=" + patient + "&code=" + TestResources.LOINC + "|"
                + TestResources.BODY_WEIGHT)).isEqualTo(3);
    }

    @Test
    void byDateRange_findsObservationsInsideIt() {
        assertThat(count("Observation?patient=" + patient + "&code=" + TestResources.BODY_WEIGHT
                + "&date=ge2021-01-01&date=lt2023-01-01")).isEqualTo(1);
        assertThat(count("Observation?patient=" + patient + "&date=ge2023-01-01")).isEqualTo(2);
    }

    @Test
    void byComponentCode_findsBloodPressurePanel() {
        Bundle result = client.search().forResource(Observation.class)
                .where(Observation.PATIENT.hasId(patient))
                .and(new TokenClientParam("component-code").exactly().systemAndCode(TestResources.LOINC,
                        TestResources.SYSTOLIC))
                .returnBundle(Bundle.class)
                .execute();

        assertThat(result.getEntry()).hasSize(1);
        Observation panel = (Observation) result.getEntryFirstRep().getResource();
        assertThat(panel.getComponent()).hasSize(2);
    }

    @Test
    void paging_walksEveryPageOnce() {
        for (int i = 0; i < 21; i++) {
            client.create().resource(TestResources.weight(patient, 60 + i, "2019-01-" + String.format("%02d", i + 1)))
                    .execute();
        }

        Bundle page = client.search().byUrl("Observation?patient=" + patient + "&_count=10")
                .returnBundle(Bundle.class).execute();
        List<Integer> sizes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        while (page != null) {
            sizes.add(page.getEntry().size());
            page.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
            page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
        }

        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(ids).hasSize(25);
    }

    private int count(String url) {
        Bundle bundle = client.search().byUrl(url + "&_summary=count").returnBundle(Bundle.class).execute();
        return bundle.getTotal();
    }
}
