package org.homocloud.server.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An asynchronous job outlives the server that accepted it: stopped mid-job, the server's successor on the same
 * database hands the abandoned work back to Batch2 (after the stale-after time without a heartbeat), runs it, and
 * answers the same status URL with the result.
 */
class AsyncRestartTest {

    private static final String[] PROPERTIES = {
        "homocloud.encryption.allow-insecure-parameters-for-testing=true",
        "homocloud.async.unit-pause-for-testing=1500ms",
        "homocloud.async.heartbeat=1s",
        "homocloud.async.stale-after=4s"
    };

    @TempDir
    Path dataDir;

    @Test
    void aJobRunningWhenTheServerStops_isFinishedByTheNextServer_andItsResultDecryptsToPlaintext() {
        TestKeySet keys;
        AsyncCohort cohort;
        String jobId;
        AsyncHttp http = new AsyncHttp(null);
        try (RunningServer first = start()) {
            keys = TestKeySet.register(first.bean(KeySetRegistry.class), "default");
            cohort = AsyncCohort.create(first.client(), 11, 1);
            // Let HAPI's background indexing of the new data finish: an interrupt during one of its H2 writes at
            // shutdown would close the embedded database for this whole JVM, and the next server with it.
            assertThat(http.get(cohort.meanUrl(first.baseUrl(), "mean"), false).statusCode()).isEqualTo(200);
            AsyncHttp.sleep(5000);
            String statusUrl = http.submit(cohort.meanUrl(first.baseUrl(), "mean"));
            jobId = statusUrl.substring(statusUrl.indexOf("job=") + 4);
            HttpResponse<String> running = http.pollUntil(statusUrl, Duration.ofSeconds(60),
                    r -> r.headers().firstValue("X-Progress").orElse("").contains("units"));
            assertThat(running.statusCode()).as("running when the server stops").isEqualTo(202);
            System.out.println("stopping the server with job " + jobId + " at " + http.progressSeen);
        }

        try (RunningServer second = start()) {
            HttpResponse<String> done = http.pollToEnd(second.baseUrl() + "/$async-status?job=" + jobId,
                    Duration.ofSeconds(120));

            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            Parameters result = FhirClients.context().newJsonParser().parseResource(Parameters.class, done.body());
            byte[] ciphertext = result.getParameter().stream().filter(p -> p.getName().equals("statistic"))
                    .flatMap(p -> p.getPart().stream()).filter(part -> part.getName().equals("ciphertext"))
                    .map(part -> ((Base64BinaryType) part.getValue()).getValue()).findFirst().orElseThrow();
            double decrypted = keys.decryptResult(ciphertext);
            double relative = Math.abs(decrypted - cohort.mean()) / cohort.mean();
            System.out.printf("async mean across a restart: plaintext %.9f, decrypted %.9f, relative error %.2e; "
                    + "progress seen %s%n", cohort.mean(), decrypted, relative, http.progressSeen);
            assertThat(relative).isLessThanOrEqualTo(1e-6);
        }
    }

    private RunningServer start() {
        String[] properties = new String[PROPERTIES.length + 1];
        System.arraycopy(PROPERTIES, 0, properties, 0, PROPERTIES.length);
        properties[PROPERTIES.length] = "homocloud.storage.data-dir=" + dataDir;
        return RunningServer.start(null, properties);
    }
}
