package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code Observation/$encrypted-mean} over HTTP: results decrypted by the custodian and compared with plaintext. */
class EncryptedMeanTest extends ServerTestBase {

    @Autowired
    TestKeySet testKeySet;

    @Test
    void meanSumSumOfSquaresAndVariance_matchPlaintext_forOnePatientsWeights() {
        IGenericClient client = client();
        String patient = newPatient(client);
        double[] weights = new double[14];
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 60 + 1.75 * i + (i % 3) * 0.125;
            transaction.addEntry().setResource(TestResources.weight(patient, weights[i],
                    String.format("2024-%02d-15", 1 + i % 2))).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        client.transaction().withBundle(transaction).execute();

        Parameters result = client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new ca.uhn.fhir.rest.param.StringParam(
                        TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient", new ca.uhn.fhir.rest.param.StringParam(patient))
                .andSearchParameter("statistic", new ca.uhn.fhir.rest.param.StringParam("sum,mean,sumOfSquares,variance"))
                .useHttpGet().execute();

        assertThat(((org.hl7.fhir.r4.model.IntegerType) result.getParameter("count").getValue()).getValue())
                .isEqualTo(weights.length);
        Map<String, Double> decrypted = decrypt(result);
        double sum = 0;
        double sumOfSquares = 0;
        for (double w : weights) {
            sum += w;
            sumOfSquares += w * w;
        }
        int n = weights.length;
        double mean = sum / n;
        double variance = (n * sumOfSquares - sum * sum) / (n * (n - 1.0));
        check("sum", sum, decrypted.get("sum"));
        check("mean", mean, decrypted.get("mean"));
        check("sumOfSquares", sumOfSquares, decrypted.get("sumOfSquares"));
        check("variance", variance, decrypted.get("variance"));
    }

    @Test
    void groupedByMonth_andBelowTheMinimum_is422() {
        IGenericClient client = client();
        String patient = newPatient(client);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 14; i++) { // 10 in March, 4 in April
            transaction.addEntry().setResource(TestResources.weight(patient, 70 + i,
                    i < 10 ? "2023-03-" + (10 + i) : "2023-04-0" + (i - 9))).getRequest().setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation");
        }
        client.transaction().withBundle(transaction).execute();

        assertThatThrownBy(() -> mean(client, patient, "month"))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("group 2023-04 has 4 value(s), fewer than the minimum of 10");
        Parameters march = client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new ca.uhn.fhir.rest.param.StringParam(
                        TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient", new ca.uhn.fhir.rest.param.StringParam(patient))
                .andSearchParameter("date", new ca.uhn.fhir.rest.param.StringParam("lt2023-04-01"))
                .andSearchParameter("groupBy", new ca.uhn.fhir.rest.param.StringParam("month"))
                .useHttpGet().execute();
        Parameters.ParametersParameterComponent statistic = march.getParameter().stream()
                .filter(p -> p.getName().equals("statistic")).findFirst().orElseThrow();
        assertThat(part(statistic, "group").primitiveValue()).isEqualTo("2023-03");
        check("March mean", 74.5, testKeySet.decryptResult(((Base64BinaryType) part(statistic, "ciphertext")).getValue()));

        String few = newPatient(client);
        client.create().resource(TestResources.weight(few, 80, "2023-05-05")).execute();
        assertThatThrownBy(() -> mean(client, few, null))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("fewer than the minimum of 10");
    }

    @Test
    void unknownStatisticOrNoMatch_getAClearOutcome() {
        IGenericClient client = client();
        String patient = newPatient(client);
        assertThatThrownBy(() -> mean(client, patient, null))
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("no encrypted value matches");
        assertThatThrownBy(() -> client.operation().onType("Observation").named("$encrypted-mean")
                        .withSearchParameter(Parameters.class, "code", new ca.uhn.fhir.rest.param.StringParam("29463-7"))
                        .andSearchParameter("statistic", new ca.uhn.fhir.rest.param.StringParam("median"))
                        .useHttpGet().execute())
                .hasMessageContaining("unknown statistic 'median'");
    }

    private Parameters mean(IGenericClient client, String patient, String groupBy) {
        var operation = client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new ca.uhn.fhir.rest.param.StringParam(
                        TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient", new ca.uhn.fhir.rest.param.StringParam(patient));
        if (groupBy != null) {
            operation = operation.andSearchParameter("groupBy", new ca.uhn.fhir.rest.param.StringParam(groupBy));
        }
        return operation.useHttpGet().execute();
    }

    private Map<String, Double> decrypt(Parameters result) {
        Map<String, Double> values = new HashMap<>();
        for (Parameters.ParametersParameterComponent p : result.getParameter()) {
            if (p.getName().equals("statistic")) {
                values.put(part(p, "name").primitiveValue(),
                        testKeySet.decryptResult(((Base64BinaryType) part(p, "ciphertext")).getValue()));
            }
        }
        return values;
    }

    private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent p, String name) {
        return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    private static void check(String what, double expected, double actual) {
        double relative = Math.abs(actual - expected) / Math.abs(expected);
        System.out.printf("$encrypted-mean %s: expected %.9f, decrypted %.9f, relative error %.2e%n",
                what, expected, actual, relative);
        assertThat(relative).as(what).isLessThan(1e-6);
    }

    private static String newPatient(IGenericClient client) {
        return "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue())).execute()
                .getId().getIdPart();
    }
}
