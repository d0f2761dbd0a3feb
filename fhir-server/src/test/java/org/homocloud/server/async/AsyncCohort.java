package org.homocloud.server.async;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.support.TestResources;

/** A cohort of distinct patients, each with body weights, told apart from other tests' data by an identifier system. */
final class AsyncCohort {

    final String system = "urn:async:" + UUID.randomUUID();
    final double[] weights;

    private AsyncCohort(double[] weights) {
        this.weights = weights;
    }

    /** {@code patients} patients with {@code perPatient} weights each, posted in one transaction. */
    static AsyncCohort create(IGenericClient client, int patients, int perPatient) {
        AsyncCohort cohort = new AsyncCohort(new double[patients * perPatient]);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int p = 0; p < patients; p++) {
            Patient patient = TestResources.patient(TestResources.uniqueValue());
            patient.addIdentifier().setSystem(cohort.system).setValue("p" + p);
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Patient");
            for (int i = 0; i < perPatient; i++) {
                double weight = 58 + 1.375 * p + 0.625 * i + (p % 3) * 0.0625;
                cohort.weights[p * perPatient + i] = weight;
                bundle.addEntry().setResource(TestResources.weight(ref, weight, "2024-0" + (1 + i % 9) + "-15"))
                        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
            }
        }
        client.transaction().withBundle(bundle).execute();
        return cohort;
    }

    /** {@code [base]/Observation/$encrypted-mean?...} over this cohort. */
    String meanUrl(String base, String statistics) {
        return base + "/Observation/$encrypted-mean?code=" + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&patient.identifier=" + encode(system + "|") + "&statistic=" + encode(statistics);
    }

    double sum() {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        return sum;
    }

    double mean() {
        return sum() / weights.length;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
