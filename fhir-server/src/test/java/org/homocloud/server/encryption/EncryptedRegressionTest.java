package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.he.analytics.LeastSquares;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code Observation/$encrypted-regression?model=linear} over HTTP: the encrypted Gram matrix, decrypted and
 * solved as the key holder would, against ordinary least squares on the same per-patient values in the clear.
 */
class EncryptedRegressionTest extends ServerTestBase {

    private static final String HEIGHT = "8302-2";
    private static final String BMI = "39156-5";

    @Autowired
    TestKeySet testKeySet;

    @Test
    void linearCoefficients_matchPlaintextLeastSquares_onTheLatestValuePerPatient() {
        IGenericClient client = client();
        String cohort = "urn:regression:" + UUID.randomUUID();
        Random random = new Random(11);
        int patients = 16;
        double[][] x = new double[patients][2];
        double[] y = new double[patients];
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int p = 0; p < patients; p++) {
            Patient patient = TestResources.patient(TestResources.uniqueValue());
            patient.addIdentifier().setSystem(cohort).setValue("p" + p);
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            x[p][0] = 55 + 40 * random.nextDouble();
            x[p][1] = 150 + 40 * random.nextDouble();
            y[p] = 4 + 0.35 * x[p][0] - 0.05 * x[p][1] + random.nextGaussian();
            // An older weight that "latest" must not use.
            add(bundle, observation(ref, TestResources.BODY_WEIGHT, x[p][0] + 30, "kg", "2020-01-01"));
            add(bundle, observation(ref, TestResources.BODY_WEIGHT, x[p][0], "kg", "2024-01-01"));
            add(bundle, observation(ref, HEIGHT, x[p][1], "cm", "2024-01-01"));
            add(bundle, observation(ref, BMI, y[p], "kg/m2", "2024-01-01"));
        }
        client.transaction().withBundle(bundle).execute();

        Parameters result = client.fetchResourceFromUrl(Parameters.class, baseUrl()
                + "/Observation/$encrypted-regression?model=linear"
                + "&outcome=" + encode(TestResources.LOINC + "|" + BMI)
                + "&feature=" + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&feature=" + encode(TestResources.LOINC + "|" + HEIGHT)
                + "&patient.identifier=" + encode(cohort + "|"));

        assertThat(((IntegerType) result.getParameter("count").getValue()).getValue()).isEqualTo(patients);
        double[] expected = LeastSquares.solve(LeastSquares.gram(x, y));
        double[] decrypted = LeastSquares.solve(testKeySet.decryptGram(result));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(decrypted[i] - expected[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        System.out.printf("$encrypted-regression linear: plaintext %s, decrypted %s, worst relative error %.2e%n",
                Arrays.toString(expected), Arrays.toString(decrypted), worst);
        assertThat(worst).isLessThan(1e-4);
    }

    /** A Group as the cohort: its members' values only, patients outside the Group left out. */
    @Test
    void linearOverAGroupCohort_matchesPlaintextLeastSquares_onItsMembers() {
        IGenericClient client = client();
        Random random = new Random(13);
        int members = 14;
        double[][] x = new double[members][1];
        double[] y = new double[members];
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        org.hl7.fhir.r4.model.Group group = new org.hl7.fhir.r4.model.Group().setActual(true)
                .setType(org.hl7.fhir.r4.model.Group.GroupType.PERSON);
        for (int p = 0; p < members + 3; p++) {
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(TestResources.patient(TestResources.uniqueValue()))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            boolean member = p < members;
            double weight = 55 + 40 * random.nextDouble();
            // Outsiders follow another line entirely: including them would move the fit far.
            double bmi = member ? 3 + 0.3 * weight + random.nextGaussian() : 80 - 0.5 * weight;
            if (member) {
                x[p][0] = weight;
                y[p] = bmi;
                group.addMember().getEntity().setReference(ref);
            }
            add(bundle, observation(ref, TestResources.BODY_WEIGHT, weight, "kg", "2024-01-01"));
            add(bundle, observation(ref, BMI, bmi, "kg/m2", "2024-01-01"));
        }
        bundle.addEntry().setResource(group).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Group");
        Bundle response = client.transaction().withBundle(bundle).execute();
        String groupId = new org.hl7.fhir.r4.model.IdType(response.getEntry().get(response.getEntry().size() - 1)
                .getResponse().getLocation()).toUnqualifiedVersionless().getValue();

        Parameters result = client.fetchResourceFromUrl(Parameters.class, baseUrl()
                + "/Observation/$encrypted-regression?model=linear"
                + "&outcome=" + encode(TestResources.LOINC + "|" + BMI)
                + "&feature=" + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&subject=" + encode(groupId));

        assertThat(((IntegerType) result.getParameter("count").getValue()).getValue()).isEqualTo(members);
        double[] expected = LeastSquares.solve(LeastSquares.gram(x, y));
        double[] decrypted = LeastSquares.solve(testKeySet.decryptGram(result));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(decrypted[i] - expected[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        System.out.printf("$encrypted-regression linear over %s: plaintext %s, decrypted %s, worst relative error %.2e%n",
                groupId, Arrays.toString(expected), Arrays.toString(decrypted), worst);
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void noFeatures_logistic_orTooFewPatients_getAnOperationOutcome() {
        IGenericClient client = client();
        String base = baseUrl() + "/Observation/$encrypted-regression?outcome=" + encode(TestResources.LOINC + "|" + BMI);
        assertThatThrownBy(() -> client.fetchResourceFromUrl(Parameters.class, base + "&model=linear"))
                .hasMessageContaining("feature");
        assertThatThrownBy(() -> client.fetchResourceFromUrl(Parameters.class, base + "&model=logistic&feature=x"))
                .hasMessageContaining("outcome-condition");
        assertThatThrownBy(() -> client.fetchResourceFromUrl(Parameters.class, base + "&model=linear&feature="
                        + encode(TestResources.LOINC + "|" + HEIGHT) + "&patient.identifier=" + encode("urn:nobody|")))
                .hasMessageContaining("fewer than the minimum");
    }

    @Test
    void linearWithAgeAndGenderCovariates_matchesPlaintextLeastSquares_onTheSameDesign() {
        IGenericClient client = client();
        String cohort = "urn:regression-covariates:" + UUID.randomUUID();
        Random random = new Random(12);
        int patients = 24;
        LocalDate[] born = new LocalDate[patients];
        double[] weight = new double[patients];
        double[] female = new double[patients];
        double[] y = new double[patients];
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int p = 0; p < patients; p++) {
            Patient patient = TestResources.patient(TestResources.uniqueValue());
            patient.addIdentifier().setSystem(cohort).setValue("p" + p);
            born[p] = LocalDate.of(1945, 1, 1).plusDays(random.nextInt(365 * 50));
            female[p] = random.nextBoolean() ? 1 : 0;
            patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born[p].toString()));
            patient.setGender(female[p] == 1 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            weight[p] = 55 + 40 * random.nextDouble();
            double age = ChronoUnit.DAYS.between(born[p], LocalDate.now()) / 365.25;
            y[p] = 10 + 0.3 * weight[p] + 0.08 * age - 1.5 * female[p] + random.nextGaussian();
            add(bundle, observation(ref, TestResources.BODY_WEIGHT, weight[p], "kg", "2024-01-01"));
            add(bundle, observation(ref, BMI, y[p], "kg/m2", "2024-01-01"));
        }
        // A patient whose Patient states no gender: left out, as the count shows.
        Patient unknown = TestResources.patient(TestResources.uniqueValue());
        unknown.addIdentifier().setSystem(cohort).setValue("unknown");
        unknown.setGender(null);
        unknown.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-05-05"));
        bundle.addEntry().setFullUrl("urn:uuid:unknown-gender").setResource(unknown).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        add(bundle, observation("urn:uuid:unknown-gender", TestResources.BODY_WEIGHT, 70, "kg", "2024-01-01"));
        add(bundle, observation("urn:uuid:unknown-gender", BMI, 30, "kg/m2", "2024-01-01"));
        client.transaction().withBundle(bundle).execute();

        Parameters result = client.fetchResourceFromUrl(Parameters.class, baseUrl()
                + "/Observation/$encrypted-regression?model=linear"
                + "&outcome=" + encode(TestResources.LOINC + "|" + BMI)
                + "&feature=" + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&covariate=age&covariate=gender"
                + "&patient.identifier=" + encode(cohort + "|"));

        assertThat(((IntegerType) result.getParameter("count").getValue()).getValue()).isEqualTo(patients);
        assertThat(result.getParameters("covariate")).extracting(p -> p.getValue().primitiveValue())
                .containsExactly("age", "gender");
        LocalDate at = LocalDate.parse(result.getParameter("covariateDate").getValue().primitiveValue());
        double[][] x = new double[patients][3];
        for (int p = 0; p < patients; p++) {
            x[p][0] = weight[p];
            x[p][1] = ChronoUnit.DAYS.between(born[p], at) / 365.25;
            x[p][2] = female[p];
        }
        double[] expected = LeastSquares.solve(LeastSquares.gram(x, y));
        double[] decrypted = LeastSquares.solve(testKeySet.decryptGram(result));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(decrypted[i] - expected[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        System.out.printf("$encrypted-regression linear with age and gender: plaintext %s, decrypted %s, worst relative "
                + "error %.2e%n", Arrays.toString(expected), Arrays.toString(decrypted), worst);
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void logistic_onAKeySetWithoutBootstrappingKeys_is422SayingHowToCreateOne() {
        IGenericClient client = client();
        String cohort = "urn:regression-logistic:" + UUID.randomUUID();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int p = 0; p < 12; p++) {
            Patient patient = TestResources.patient(TestResources.uniqueValue());
            patient.addIdentifier().setSystem(cohort).setValue("p" + p);
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            add(bundle, observation(ref, TestResources.BODY_WEIGHT, 60 + p, "kg", "2024-01-01"));
        }
        client.transaction().withBundle(bundle).execute();

        assertThatThrownBy(() -> client.fetchResourceFromUrl(Parameters.class, baseUrl()
                + "/Observation/$encrypted-regression?model=logistic"
                + "&outcome-condition=" + encode("http://snomed.info/sct|44054006")
                + "&feature=" + encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&feature-center=70&feature-scale=20"
                + "&patient.identifier=" + encode(cohort + "|")))
                .hasMessageContaining("HTTP 422").hasMessageContaining("no bootstrapping keys")
                .hasMessageContaining("keys create --bootstrapping");
    }

    private static void add(Bundle bundle, Observation observation) {
        bundle.addEntry().setResource(observation).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    }

    private static Observation observation(String subject, String code, double value, String unit, String date) {
        Observation o = TestResources.weight(subject, value, date);
        o.getCode().getCodingFirstRep().setCode(code).setDisplay(null);
        o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        return o;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
