package org.homocloud.server.synthea;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;

/**
 * Loads every Synthea patient bundle through the FHIR API, as an EHR would push them, then checks that the
 * server holds exactly what the bundles contain and that the searches analytics will use find it.
 */
class SyntheaLoadTest extends ServerTestBase {

    private static final String SYNTHEA_IDENTIFIER = "https://github.com/synthetichealth/synthea";
    private static final String BOUNDARY = "2015-01-01T00:00:00Z";

    @Test
    void everyBundle_loads_andResourceCountsMatchTheFiles() {
        IGenericClient client = client();
        List<Path> files = SyntheaBundles.files();
        assertThat(files).hasSize(SyntheaBundles.EXPECTED_PATIENTS);

        Map<String, Integer> expected = new TreeMap<>();
        Map<String, Integer> before = new TreeMap<>();
        Bundle first = null;
        for (Path file : files) {
            Bundle bundle = SyntheaBundles.parse(CLIENT_CONTEXT, file);
            if (first == null) {
                first = bundle;
            }
            bundle.getEntry().forEach(e -> expected.merge(e.getResource().fhirType(), 1, Integer::sum));
        }
        expected.keySet().forEach(type -> before.put(type, count(client, type)));

        for (Path file : files) {
            Bundle response = client.transaction().withBundle(SyntheaBundles.parse(CLIENT_CONTEXT, file)).execute();
            assertThat(response.getEntry()).as(file.getFileName().toString())
                    .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
        }

        Map<String, Integer> loaded = new TreeMap<>();
        expected.keySet().forEach(type -> loaded.put(type, count(client, type) - before.get(type)));
        assertThat(loaded).isEqualTo(expected);
        assertThat(expected.get("Patient")).isEqualTo(SyntheaBundles.EXPECTED_PATIENTS);

        searchesForOnePatient_matchTheirBundle(client, first);
    }

    private void searchesForOnePatient_matchTheirBundle(IGenericClient client, Bundle bundle) {
        Patient patient = resources(bundle, Patient.class).get(0);
        String syntheaId = patient.getIdentifier().stream()
                .filter(i -> SYNTHEA_IDENTIFIER.equals(i.getSystem())).findFirst().orElseThrow().getValue();
        Bundle found = client.search().byUrl("Patient?identifier=" + SYNTHEA_IDENTIFIER + "|" + syntheaId)
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
        String reference = "Patient/" + found.getEntryFirstRep().getResource().getIdElement().getIdPart();
        List<Observation> observations = resources(bundle, Observation.class);

        assertThat(count(client, "Observation?patient=" + reference)).isEqualTo(observations.size());
        assertThat(count(client, "Observation?patient=" + reference + "&code=http://loinc.org|" + TestResources.BODY_WEIGHT))
                .isEqualTo(matching(observations, o -> hasCode(o, TestResources.BODY_WEIGHT)))
                .isPositive();
        assertThat(count(client, "Observation?patient=" + reference + "&component-code=http://loinc.org|"
                + TestResources.SYSTOLIC))
                .isEqualTo(matching(observations, o -> o.getComponent().stream()
                        .anyMatch(c -> c.getCode().getCoding().stream().anyMatch(x -> TestResources.SYSTOLIC.equals(x.getCode())))))
                .isPositive();
        Instant boundary = Instant.parse(BOUNDARY);
        assertThat(count(client, "Observation?patient=" + reference + "&date=ge" + BOUNDARY))
                .isEqualTo(matching(observations, o -> !o.getEffectiveDateTimeType().getValue().toInstant().isBefore(boundary)));
    }

    private static boolean hasCode(Observation observation, String code) {
        return observation.getCode().getCoding().stream().anyMatch(c -> code.equals(c.getCode()));
    }

    private static int matching(List<Observation> observations, Predicate<Observation> predicate) {
        return (int) observations.stream().filter(predicate).count();
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static int count(IGenericClient client, String typeOrQuery) {
        String url = typeOrQuery + (typeOrQuery.contains("?") ? "&" : "?") + "_summary=count";
        return client.search().byUrl(url).returnBundle(Bundle.class).execute().getTotal();
    }
}
