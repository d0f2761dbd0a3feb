package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
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
    void meanSumSumOfSquaresAndVariance_matchPlaintext_overFourteenPatients() {
        IGenericClient client = client();
        String cohort = newCohort();
        double[] weights = new double[14];
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 60 + 1.75 * i + (i % 3) * 0.125;
            addWeight(transaction, addPatient(transaction, cohort), weights[i], String.format("2024-%02d-15", 1 + i % 2));
        }
        client.transaction().withBundle(transaction).execute();

        Parameters result = mean(client, cohort, null, "sum,mean,sumOfSquares,variance");

        assertThat(((IntegerType) result.getParameter("count").getValue()).getValue()).isEqualTo(weights.length);
        assertThat(((IntegerType) result.getParameter("patients").getValue()).getValue()).isEqualTo(weights.length);
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
    void groupedByMonth_andAGroupBelowTheMinimumOfPatients_is422() {
        IGenericClient client = client();
        String cohort = newCohort();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 14; i++) { // 10 patients in March, 4 in April
            addWeight(transaction, addPatient(transaction, cohort), 70 + i,
                    i < 10 ? "2023-03-" + (10 + i) : "2023-04-0" + (i - 9));
        }
        client.transaction().withBundle(transaction).execute();

        assertThatThrownBy(() -> mean(client, cohort, "month", null))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("group 2023-04 has 4 value(s) from 4 patient(s), fewer patients than the minimum of 10");
        Parameters march = client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new StringParam(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient.identifier", new TokenParam(cohort, null))
                .andSearchParameter("date", new StringParam("lt2023-04-01"))
                .andSearchParameter("groupBy", new StringParam("month"))
                .useHttpGet().execute();
        Parameters.ParametersParameterComponent statistic = march.getParameter().stream()
                .filter(p -> p.getName().equals("statistic")).findFirst().orElseThrow();
        assertThat(part(statistic, "group").primitiveValue()).isEqualTo("2023-03");
        check("March mean", 74.5, testKeySet.decryptResult(((Base64BinaryType) part(statistic, "ciphertext")).getValue()));
    }

    /**
     * Many values of one patient are still one patient: an aggregate-only user must not read a patient's mean by
     * asking for a cohort of one.
     */
    @Test
    void manyValuesOfOnePatient_areRefused_becauseTheMinimumCountsPatients() {
        IGenericClient client = client();
        String cohort = newCohort();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patient = addPatient(transaction, cohort);
        for (int i = 0; i < 12; i++) {
            addWeight(transaction, patient, 80 + i, "2023-05-0" + (1 + i % 9));
        }
        client.transaction().withBundle(transaction).execute();

        assertThatThrownBy(() -> mean(client, cohort, null, null))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("the cohort has 12 value(s) from 1 patient(s), fewer patients than the minimum of 10");
    }

    @Test
    void unknownStatisticOrNoMatch_getAClearOutcome() {
        IGenericClient client = client();
        String cohort = newCohort();
        assertThatThrownBy(() -> mean(client, cohort, null, null))
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("no encrypted value matches");
        assertThatThrownBy(() -> client.operation().onType("Observation").named("$encrypted-mean")
                        .withSearchParameter(Parameters.class, "code", new StringParam("29463-7"))
                        .andSearchParameter("statistic", new StringParam("median"))
                        .useHttpGet().execute())
                .hasMessageContaining("unknown statistic 'median'");
    }

    /**
     * {@code subject=Group/ID}: the Group's current members, a nested Group's members included; an inactive member
     * and patients outside the Group (with values of the same code) are left out, and OR'd references stay.
     */
    @Test
    void subjectGroup_meanOverItsCurrentMembers_matchesPlaintext() {
        IGenericClient client = client();
        String cohort = newCohort();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Group group = new Group().setActual(true).setType(Group.GroupType.PERSON);
        Group nested = new Group().setActual(true).setType(Group.GroupType.PERSON);
        double[] members = new double[13];
        for (int i = 0; i < members.length; i++) {
            members[i] = 58 + 2.375 * i + (i % 4) * 0.0625;
            String patient = addPatient(transaction, cohort);
            addWeight(transaction, patient, members[i], "2024-06-0" + (1 + i % 9));
            (i < 10 ? group : nested).addMember().getEntity().setReference(patient);
        }
        String inactive = addPatient(transaction, cohort);
        addWeight(transaction, inactive, 140, "2024-06-01");
        group.addMember().setInactive(true).getEntity().setReference(inactive);
        String outside = addPatient(transaction, cohort);
        addWeight(transaction, outside, 150, "2024-06-01");
        String nestedReference = "urn:uuid:" + TestResources.uniqueValue();
        transaction.addEntry().setFullUrl(nestedReference).setResource(nested).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Group");
        group.addMember().getEntity().setReference(nestedReference);
        transaction.addEntry().setResource(group).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Group");
        Bundle response = client.transaction().withBundle(transaction).execute();
        String groupId = location(response, transaction.getEntry().size() - 1);
        String outsideId = location(response, transaction.getEntry().size() - 4);

        Parameters result = groupMean(client, groupId);
        Parameters withOutsider = groupMean(client, groupId + "," + outsideId);

        assertThat(((IntegerType) result.getParameter("count").getValue()).getValue()).isEqualTo(members.length);
        assertThat(((IntegerType) result.getParameter("patients").getValue()).getValue()).isEqualTo(members.length);
        double sum = java.util.Arrays.stream(members).sum();
        check("Group mean", sum / members.length, decrypt(result).get("mean"));
        check("Group sum", sum, decrypt(result).get("sum"));
        assertThat(((IntegerType) withOutsider.getParameter("count").getValue()).getValue()).isEqualTo(members.length + 1);
        check("Group OR patient mean", (sum + 150) / (members.length + 1), decrypt(withOutsider).get("mean"));
    }

    @Test
    void aDefinitionalGroup_is422_anUnknownGroup_is400WithAnOutcome_anEmptyGroup_is422() {
        IGenericClient client = client();
        String definitional = client.create().resource(new Group().setActual(false).setType(Group.GroupType.PERSON))
                .execute().getId().toUnqualifiedVersionless().getValue();
        String empty = client.create().resource(new Group().setActual(true).setType(Group.GroupType.PERSON))
                .execute().getId().toUnqualifiedVersionless().getValue();

        assertThatThrownBy(() -> groupMean(client, definitional)).isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("only an actual Group, one that lists its members, can be a cohort");
        assertThatThrownBy(() -> groupMean(client, "Group/no-such-group"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
                        ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
                        .contains("Group/no-such-group is not known on this server"));
        assertThatThrownBy(() -> groupMean(client, empty)).isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("no encrypted value matches code " + TestResources.LOINC + "|"
                        + TestResources.BODY_WEIGHT + " in this cohort");
    }

    /** Mean and sum of body weight over {@code subject} (a Group reference, maybe OR'd with others), as written. */
    private Parameters groupMean(IGenericClient client, String subject) {
        // As a URL: the client's typed parameters would escape the comma of an OR list.
        return client.fetchResourceFromUrl(Parameters.class, baseUrl() + "/Observation/$encrypted-mean?code="
                + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT) + "&statistic=sum,mean&subject="
                + encode(subject));
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The {@code Type/ID} a transaction created at entry {@code index}. */
    private static String location(Bundle response, int index) {
        return new IdType(response.getEntry().get(index).getResponse().getLocation()).toUnqualifiedVersionless().getValue();
    }

    /** The mean of body weight over the patients of {@code cohort}, as a chained identifier search. */
    private Parameters mean(IGenericClient client, String cohort, String groupBy, String statistics) {
        var operation = client.operation().onType("Observation").named("$encrypted-mean")
                .withSearchParameter(Parameters.class, "code", new StringParam(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT))
                .andSearchParameter("patient.identifier", new TokenParam(cohort, null));
        if (groupBy != null) {
            operation = operation.andSearchParameter("groupBy", new StringParam(groupBy));
        }
        if (statistics != null) {
            operation = operation.andSearchParameter("statistic", new StringParam(statistics));
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

    /** An identifier system only this test's patients carry, so other tests' data on the shared server stay out. */
    private static String newCohort() {
        return "urn:mean:" + TestResources.uniqueValue();
    }

    /** Adds a patient of {@code cohort} to {@code transaction}; returns its temporary reference. */
    private static String addPatient(Bundle transaction, String cohort) {
        Patient patient = TestResources.patient(TestResources.uniqueValue());
        patient.addIdentifier().setSystem(cohort).setValue(TestResources.uniqueValue());
        String reference = "urn:uuid:" + TestResources.uniqueValue();
        transaction.addEntry().setFullUrl(reference).setResource(patient).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        return reference;
    }

    private static void addWeight(Bundle transaction, String patient, double kg, String effective) {
        transaction.addEntry().setResource(TestResources.weight(patient, kg, effective)).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    }
}
