package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.he.analytics.LogisticReference;
import org.homocloud.he.analytics.NesterovSchedule;
import org.homocloud.he.analytics.SigmoidApproximation;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Observation/$encrypted-regression?model=logistic} end to end at the INSECURE logN 12 bootstrapping
 * test parameters (five levels left): {@code keys create --bootstrapping insecureForTestingLogN12 --upload}
 * registers a bootstrappable key set (upload container version 2) as the server's ingest key set; a synthetic
 * cohort of patients with two encrypted Observation codes, age, gender and a diabetes Condition is posted as an
 * EHR would; {@code regression --model logistic} has the server train on ciphertexts with bootstrapping and
 * decrypts the coefficients. Their AUC on the data must be within 0.02 of Newton's exact plaintext fit, and
 * the coefficients close to the same accelerated gradient computed in plaintext. The server answers every result
 * ciphertext as a Binary reference (inline limit 0, as a logN 16 model would be), which the command line fetches.
 */
class LogisticRegressionCliTest {

    private static final String PASSPHRASE = "logistic regression test passphrase";
    private static final String SYSTOLIC = "8480-6";
    private static final String GLUCOSE = "2345-7";
    private static final String DIABETES = "44054006";
    private static final int PATIENTS = 240;
    private static final int ITERATIONS = 5;
    private static final double[] CENTERS = {130, 110, 50, 0.5};
    private static final double[] SCALES = {30, 40, 50, 0.5};

    @TempDir
    static Path dir;

    private static RunningServer server;
    private static Path key;

    @BeforeAll
    static void startServerWithABootstrappableKeySet() {
        String keySetId = "boot-" + UUID.randomUUID().toString().substring(0, 8);
        server = RunningServer.start(null, "homocloud.storage.data-dir=" + dir.resolve("data"),
                "homocloud.encryption.key-set-id=" + keySetId,
                "homocloud.encryption.inline-result-limit=0",
                "homocloud.encryption.allow-insecure-parameters-for-testing=true");
        key = dir.resolve("boot.key");
        CliRun create = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--key-set", keySetId,
                "--bootstrapping", "insecureForTestingLogN12", "--server", server.baseUrl(), "--upload", "--json");
        assertThat(create.exitCode()).as(create.err()).isZero();
        JsonNode created = create.json();
        assertThat(created.get("bootstrappingKeys").asInt()).isPositive();
        System.out.printf("bootstrappable key set (insecure logN 12): %d bytes of public material, made in %.1f s%n",
                created.get("publicMaterialBytes").asLong(), created.get("seconds").asDouble());

        Parameters description = server.client().operation().onServer().named("$key-set")
                .withParameter(Parameters.class, "keySet", new StringType(keySetId)).useHttpGet().execute();
        Parameters.ParametersParameterComponent version = description.getParameter("version");
        assertThat(part(version, "bootstrapping")).isEqualTo("true");
        assertThat(part(version, "bootstrappingLevelsLeft")).isEqualTo("5");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void logisticOnCiphertexts_withAgeAndGender_aucWithin002OfNewton_andMatchesPlaintextNesterov() throws Exception {
        IGenericClient client = server.client();
        String cohort = "urn:logistic:" + UUID.randomUUID();
        Random random = new Random(21);
        double[][] raw = new double[PATIENTS][4];
        LocalDate[] born = new LocalDate[PATIENTS];
        int[] y = new int[PATIENTS];
        double[] truth = {-0.3, 1.2, 1.5, 0.8, 0.4};
        Bundle bundle = newBundle();
        for (int p = 0; p < PATIENTS; p++) {
            raw[p][0] = 130 + 18 * random.nextGaussian();
            raw[p][1] = 110 + 25 * random.nextGaussian();
            born[p] = LocalDate.of(1950, 1, 1).plusDays(random.nextInt(365 * 45));
            raw[p][2] = ChronoUnit.DAYS.between(born[p], LocalDate.now()) / 365.25;
            raw[p][3] = random.nextBoolean() ? 1 : 0;
            double eta = truth[0];
            for (int j = 0; j < 4; j++) {
                eta += truth[j + 1] * (raw[p][j] - CENTERS[j]) / SCALES[j];
            }
            y[p] = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;

            Patient patient = TestResources.patient("p" + p);
            patient.addIdentifier().setSystem(cohort).setValue("p" + p);
            patient.setGender(raw[p][3] == 1 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
            patient.setBirthDateElement(new DateType(born[p].toString()));
            String ref = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            post(bundle, observation(ref, SYSTOLIC, raw[p][0], "mm[Hg]"), "Observation");
            post(bundle, observation(ref, GLUCOSE, raw[p][1], "mg/dL"), "Observation");
            if (y[p] == 1) {
                Condition condition = new Condition();
                condition.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding()
                        .setSystem("http://snomed.info/sct").setCode(DIABETES)));
                condition.getSubject().setReference(ref);
                post(bundle, condition, "Condition");
            }
            if (bundle.getEntry().size() > 200 || p == PATIENTS - 1) {
                client.transaction().withBundle(bundle).execute();
                bundle = newBundle();
            }
        }

        String query = server.baseUrl() + "/Observation/$encrypted-regression?model=logistic&outcome-condition="
                + encode("http://snomed.info/sct|" + DIABETES) + "&feature=" + encode("http://loinc.org|" + SYSTOLIC)
                + "&patient.identifier=" + encode(cohort + "|");
        assertThatThrownBy(() -> client.fetchResourceFromUrl(Parameters.class, query))
                .hasMessageContaining("HTTP 422").hasMessageContaining("feature-center");

        long start = System.nanoTime();
        CliRun run = CliRun.of(PASSPHRASE, "regression", "--key", key.toString(), "--server", server.baseUrl(),
                "--model", "logistic", "--outcome-condition", DIABETES, "--feature", SYSTOLIC, "--feature", GLUCOSE,
                "--feature-center", "130", "--feature-scale", "30", "--feature-center", "110", "--feature-scale", "40",
                "--covariate", "age", "--covariate", "gender", "--iterations", String.valueOf(ITERATIONS),
                "--param", "patient.identifier=" + cohort + "|", "--json");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode answer = run.json();
        assertThat(answer.get("count").asInt()).isEqualTo(PATIENTS);
        assertThat(answer.get("positives").asInt()).isEqualTo(Arrays.stream(y).sum());

        // The same normalised design in plaintext: ages at the date the server computed them at.
        LocalDate at = LocalDate.parse(answer.get("covariateDate").asText());
        double[][] x = new double[PATIENTS][4];
        for (int p = 0; p < PATIENTS; p++) {
            raw[p][2] = ChronoUnit.DAYS.between(born[p], at) / 365.25;
            for (int j = 0; j < 4; j++) {
                x[p][j] = (raw[p][j] - CENTERS[j]) / SCALES[j];
            }
        }
        JsonNode normalised = answer.get("normalisedCoefficients");
        String[] names = {"intercept", "http://loinc.org|" + SYSTOLIC, "http://loinc.org|" + GLUCOSE, "age", "gender"};
        double[] encrypted = new double[names.length];
        for (int c = 0; c < names.length; c++) {
            assertThat(normalised.has(names[c])).as("coefficient " + names[c] + " in " + normalised).isTrue();
            encrypted[c] = normalised.get(names[c]).asDouble();
        }
        double[] mirror = LogisticReference.nesterovPolynomial(LogisticReference.signedRows(x, y), ITERATIONS,
                NesterovSchedule.kim(), SigmoidApproximation.kimDegree3());
        double[] newton = LogisticReference.newton(x, y, 25);
        double worst = 0;
        for (int c = 0; c < names.length; c++) {
            worst = Math.max(worst, Math.abs(encrypted[c] - mirror[c]));
        }
        double aucEncrypted = LogisticReference.auc(LogisticReference.scores(x, encrypted), y);
        double aucNewton = LogisticReference.auc(LogisticReference.scores(x, newton), y);
        System.out.printf("$encrypted-regression logistic, %d patients, %d iterations, %d bootstraps, %.1f s "
                        + "(request to decrypted coefficients):%n  encrypted %s%n  plaintext NAG %s%n  Newton %s%n"
                        + "  max |encrypted - plaintext NAG| %.2e; AUC encrypted %.4f, Newton %.4f%n",
                PATIENTS, ITERATIONS, answer.get("bootstraps").asInt(), seconds, Arrays.toString(encrypted),
                Arrays.toString(mirror), Arrays.toString(newton), worst, aucEncrypted, aucNewton);
        assertThat(worst).isLessThan(1e-3);
        assertThat(Math.abs(aucEncrypted - aucNewton)).isLessThan(0.02);
        // Un-normalised coefficients: the same scores on the raw values.
        JsonNode original = answer.get("coefficients");
        double rawScore = original.get("intercept").asDouble();
        double normalisedScore = encrypted[0];
        for (int c = 1; c < names.length; c++) {
            rawScore += original.get(names[c]).asDouble() * raw[0][c - 1];
            normalisedScore += encrypted[c] * x[0][c - 1];
        }
        assertThat(rawScore).isCloseTo(normalisedScore, org.assertj.core.data.Offset.offset(1e-4));
    }

    private static Bundle newBundle() {
        return new Bundle().setType(Bundle.BundleType.TRANSACTION);
    }

    private static void post(Bundle bundle, org.hl7.fhir.r4.model.Resource resource, String type) {
        bundle.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(type);
    }

    private static Observation observation(String subject, String code, double value, String unit) {
        Observation o = TestResources.weight(subject, value, "2024-01-01");
        o.getCode().getCodingFirstRep().setCode(code).setDisplay(null);
        o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        return o;
    }

    private static String part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> name.equals(p.getName())).findFirst()
                .map(p -> p.getValue().primitiveValue()).orElseThrow(() -> new AssertionError("no part " + name));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
