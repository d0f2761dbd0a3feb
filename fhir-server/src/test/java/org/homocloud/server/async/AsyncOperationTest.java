package org.homocloud.server.async;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.operations.async.AsyncJobReport;
import org.homocloud.fhir.operations.async.AsyncJobs;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.LeastSquares;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * {@code Prefer: respond-async} for the encrypted operations (FHIR's asynchronous request pattern on HAPI's
 * Batch2), against a real server whose jobs pause after each unit of work so that progress and cancellation can
 * be observed. Results are decrypted with the test key set and compared with the synchronous call and plaintext.
 */
class AsyncOperationTest {

    private static final FhirContext FHIR = FhirClients.context();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String BMI = "39156-5";

    private static Path dataDir;
    private static RunningServer server;
    private static TestKeySet keys;
    private final AsyncHttp http = new AsyncHttp(null);

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("homocloud-async-");
        server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.allow-insecure-parameters-for-testing=true",
                "homocloud.async.unit-pause-for-testing=700ms");
        keys = TestKeySet.register(server.bean(KeySetRegistry.class), "default");
    }

    @AfterAll
    static void stop() {
        server.close();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    @Test
    void asyncMean_decryptsToTheSyncResultAndPlaintext_withProgressWhilePolling() {
        AsyncCohort cohort = AsyncCohort.create(server.client(), 12, 2);
        String url = cohort.meanUrl(server.baseUrl(), "sum,mean,variance");

        String statusUrl = http.submit(url);
        HttpResponse<String> done = http.pollToEnd(statusUrl, TIMEOUT);

        assertThat(statusUrl).startsWith(server.baseUrl() + "/$async-status?job=");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().firstValue("Expires")).isPresent();
        System.out.println("async progress seen while polling: " + http.progressSeen);
        assertThat(http.progressSeen).anyMatch(p -> p.matches("\\d+/\\d+ units \\(\\d+%\\)"));
        Parameters async = FHIR.newJsonParser().parseResource(Parameters.class, done.body());
        HttpResponse<String> syncResponse = http.get(url, false);
        assertThat(syncResponse.statusCode()).isEqualTo(200);
        Parameters sync = FHIR.newJsonParser().parseResource(Parameters.class, syncResponse.body());

        assertThat(((IntegerType) async.getParameter("count").getValue()).getValue()).isEqualTo(cohort.weights.length);
        Map<String, Double> fromAsync = decrypt(async);
        Map<String, Double> fromSync = decrypt(sync);
        double n = cohort.weights.length;
        double sumOfSquares = 0;
        for (double w : cohort.weights) {
            sumOfSquares += w * w;
        }
        double variance = (n * sumOfSquares - cohort.sum() * cohort.sum()) / (n * (n - 1));
        check("sum", cohort.sum(), fromAsync.get("sum"), fromSync.get("sum"));
        check("mean", cohort.mean(), fromAsync.get("mean"), fromSync.get("mean"));
        check("variance", variance, fromAsync.get("variance"), fromSync.get("variance"));
    }

    @Test
    void asyncRegression_decryptsToTheSyncGramMatrix_andPlaintextLeastSquares() {
        String cohort = "urn:async-regression:" + java.util.UUID.randomUUID();
        int patients = 12;
        double[][] x = new double[patients][1];
        double[] y = new double[patients];
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        java.util.Random random = new java.util.Random(5);
        for (int p = 0; p < patients; p++) {
            Patient patient = TestResources.patient(TestResources.uniqueValue());
            patient.addIdentifier().setSystem(cohort).setValue("p" + p);
            String ref = "urn:uuid:" + java.util.UUID.randomUUID();
            bundle.addEntry().setFullUrl(ref).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Patient");
            x[p][0] = 55 + 40 * random.nextDouble();
            y[p] = 3 + 0.3 * x[p][0] + random.nextGaussian();
            bundle.addEntry().setResource(TestResources.weight(ref, x[p][0], "2024-01-01")).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
            Observation bmi = TestResources.weight(ref, y[p], "2024-01-01");
            bmi.getCode().getCodingFirstRep().setCode(BMI).setDisplay(null);
            bmi.setValue(new Quantity().setValue(y[p]).setUnit("kg/m2").setSystem("http://unitsofmeasure.org")
                    .setCode("kg/m2"));
            bundle.addEntry().setResource(bmi).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        server.client().transaction().withBundle(bundle).execute();
        String url = server.baseUrl() + "/Observation/$encrypted-regression?model=linear"
                + "&outcome=" + AsyncCohort.encode(TestResources.LOINC + "|" + BMI)
                + "&feature=" + AsyncCohort.encode(TestResources.LOINC + "|" + TestResources.BODY_WEIGHT)
                + "&patient.identifier=" + AsyncCohort.encode(cohort + "|");

        HttpResponse<String> done = http.pollToEnd(http.submit(url), TIMEOUT);
        HttpResponse<String> syncResponse = http.get(url, false);

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(syncResponse.statusCode()).isEqualTo(200);
        double[][] asyncGram = decryptGram(FHIR.newJsonParser().parseResource(Parameters.class, done.body()), patients);
        double[][] syncGram = decryptGram(FHIR.newJsonParser().parseResource(Parameters.class, syncResponse.body()),
                patients);
        double[] expected = LeastSquares.solve(LeastSquares.gram(x, y));
        double[] decrypted = LeastSquares.solve(asyncGram);
        double worst = 0;
        double versusSync = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(decrypted[i] - expected[i]) / Math.max(1e-3, Math.abs(expected[i])));
        }
        for (int i = 0; i < asyncGram.length; i++) {
            for (int j = 0; j < asyncGram.length; j++) {
                versusSync = Math.max(versusSync, Math.abs(asyncGram[i][j] - syncGram[i][j])
                        / Math.max(1e-3, Math.abs(syncGram[i][j])));
            }
        }
        System.out.printf("async $encrypted-regression: plaintext %s, decrypted %s, worst relative error %.2e "
                + "(Gram vs sync %.2e)%n", java.util.Arrays.toString(expected), java.util.Arrays.toString(decrypted),
                worst, versusSync);
        assertThat(worst).isLessThan(1e-4);
        assertThat(versusSync).isLessThanOrEqualTo(1e-6);
    }

    private static double[][] decryptGram(Parameters result, int patients) {
        int columns = ((IntegerType) result.getParameter("columns").getValue()).getValue();
        int blockSize = ((IntegerType) result.getParameter("blockSize").getValue()).getValue();
        int blocks = ((IntegerType) result.getParameter("blocksPerCiphertext").getValue()).getValue();
        java.util.List<byte[]> grams = new java.util.ArrayList<>();
        result.getParameter().stream().filter(p -> p.getName().equals("gram"))
                .forEach(p -> grams.add(((Base64BinaryType) p.getValue()).getValue()));
        double[][] gram = new double[columns][columns];
        gram[0][0] = patients;
        for (int i = 0; i < columns; i++) {
            for (int j = i; j < columns; j++) {
                if (i == 0 && j == 0) {
                    continue;
                }
                int e = EncryptedGram.entryIndex(columns, i, j);
                gram[i][j] = keys.decryptSlot(grams.get(e / blocks), (e % blocks) * blockSize);
                gram[j][i] = gram[i][j];
            }
        }
        return gram;
    }

    @Test
    void belowTheMinimumCohort_theStatusUrlAnswersTheSame422AndOutcome() {
        AsyncCohort few = AsyncCohort.create(server.client(), 3, 1);
        String url = few.meanUrl(server.baseUrl(), "mean");
        HttpResponse<String> sync = http.get(url, false);

        HttpResponse<String> async = http.pollToEnd(http.submit(url), TIMEOUT);

        assertThat(sync.statusCode()).isEqualTo(422);
        assertThat(async.statusCode()).isEqualTo(422);
        assertThat(diagnostics(async.body())).isEqualTo(diagnostics(sync.body())).contains("than the minimum of 10");
    }

    @Test
    void delete_cancelsARunningJob_whichStopsWithoutAResult_andIsThen404() {
        AsyncCohort cohort = AsyncCohort.create(server.client(), 10, 1);
        String statusUrl = http.submit(cohort.meanUrl(server.baseUrl(), "mean"));
        String jobId = statusUrl.substring(statusUrl.indexOf("job=") + 4);
        HttpResponse<String> running = http.pollUntil(statusUrl, TIMEOUT,
                r -> r.headers().firstValue("X-Progress").orElse("").contains("units"));
        assertThat(running.statusCode()).as("still running when cancelled").isEqualTo(202);

        HttpResponse<String> cancelled = http.delete(statusUrl);
        HttpResponse<String> after = http.get(statusUrl, false);

        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(diagnostics(after.body())).contains("cancelled");
        AsyncJobs jobs = server.bean(AsyncJobs.class);
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        while (!jobs.find(jobId).orElseThrow().getStatus().isEnded() && System.currentTimeMillis() < deadline) {
            AsyncHttp.sleep(200);
        }
        var instance = jobs.find(jobId).orElseThrow();
        System.out.println("cancelled job ended as " + instance.getStatus() + ", report " + instance.getReport());
        assertThat(instance.getStatus().isEnded()).isTrue();
        AsyncJobReport report = AsyncJobReport.parse(instance.getReport());
        assertThat(report.resultId()).as("no result stored").isNull();
        assertThat(report.done()).as("stopped before the last unit").isLessThan(report.total());
    }

    @Test
    void endedJobs_areRemovedByDelete_orOnceTheirRetentionHasPassed() {
        AsyncCohort cohort = AsyncCohort.create(server.client(), 10, 1);
        String deleted = http.submit(cohort.meanUrl(server.baseUrl(), "mean"));
        String expiring = http.submit(cohort.meanUrl(server.baseUrl(), "sum"));
        assertThat(http.pollToEnd(deleted, TIMEOUT).statusCode()).isEqualTo(200);
        assertThat(http.pollToEnd(expiring, TIMEOUT).statusCode()).isEqualTo(200);
        AsyncJobs jobs = server.bean(AsyncJobs.class);

        int removedEarly = jobs.removeExpired(java.time.Instant.now());
        HttpResponse<String> deletion = http.delete(deleted);
        int removedLate = jobs.removeExpired(java.time.Instant.now().plus(jobs.retention()).plusSeconds(60));

        assertThat(removedEarly).as("nothing expires before its retention").isZero();
        assertThat(deletion.statusCode()).isEqualTo(202);
        assertThat(http.get(deleted, false).statusCode()).isEqualTo(404);
        assertThat(removedLate).as("the other ended jobs of this class, at least the one left").isGreaterThanOrEqualTo(1);
        assertThat(http.get(expiring, false).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownJob_is404_andAMissingJobId400() {
        assertThat(http.get(server.baseUrl() + "/$async-status?job=no-such-job", false).statusCode()).isEqualTo(404);
        assertThat(http.delete(server.baseUrl() + "/$async-status?job=no-such-job").statusCode()).isEqualTo(404);
        assertThat(http.get(server.baseUrl() + "/$async-status", false).statusCode()).isEqualTo(400);
    }

    @Test
    void withoutPreferRespondAsync_theOperationAnswersAtOnce() {
        AsyncCohort cohort = AsyncCohort.create(server.client(), 10, 1);
        HttpResponse<String> response = http.get(cohort.meanUrl(server.baseUrl(), "mean"), false);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Location").orElse("")).doesNotContain("$async-status");
    }

    private static Map<String, Double> decrypt(Parameters result) {
        Map<String, Double> values = new HashMap<>();
        for (Parameters.ParametersParameterComponent p : result.getParameter()) {
            if (p.getName().equals("statistic")) {
                values.put(part(p, "name").primitiveValue(),
                        keys.decryptResult(((Base64BinaryType) part(p, "ciphertext")).getValue()));
            }
        }
        return values;
    }

    private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent p, String name) {
        return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    static String diagnostics(String outcomeJson) {
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, outcomeJson);
        return outcome.getIssueFirstRep().getDiagnostics();
    }

    private static void check(String what, double plaintext, double async, double sync) {
        double relative = Math.abs(async - plaintext) / Math.abs(plaintext);
        double versusSync = Math.abs(async - sync) / Math.abs(sync);
        System.out.printf("async $encrypted-mean %s: plaintext %.9f, async %.9f, sync %.9f, relative error %.2e "
                + "(vs sync %.2e)%n", what, plaintext, async, sync, relative, versusSync);
        assertThat(relative).as(what + " vs plaintext").isLessThanOrEqualTo(1e-6);
        assertThat(versusSync).as(what + " vs sync").isLessThanOrEqualTo(1e-6);
    }
}
