package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.packing.Repacker;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.server.HomocloudServer;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged writes survive kill -9: a server in a child JVM takes a bulk load of transaction Bundles (and
 * repacks in the background every half second), is killed with SIGKILL while a Bundle is in flight, and is
 * started again on the same files. Every acknowledged Observation is there and its value decrypts to what was
 * posted; the Bundle in flight is either wholly there (and decrypts) or wholly absent.
 */
class CrashDuringBulkLoadTest {

    private static final int BUNDLES_BEFORE_KILL = 12;
    private static final int OBSERVATIONS_PER_BUNDLE = 25;
    private static final String INSECURE_KEYS = "homocloud.encryption.allow-insecure-parameters-for-testing=true";

    @TempDir
    Path dataDir;

    private final FhirContext context = FhirClients.context();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void acknowledgedObservations_surviveKillDashNine_andTheBundleInFlightIsAllOrNothing() throws Exception {
        TestKeySet keySet;
        try (SqliteCiphertextStore store = new SqliteCiphertextStore(dataDir.resolve("ciphertexts"))) {
            keySet = TestKeySet.register(KeySetRegistry.allowingInsecureParametersForTesting(store), "default");
        }
        int port = freePort();
        Process child = startChild(port);
        String base = "http://127.0.0.1:" + port + "/fhir";
        List<double[]> acknowledged = new ArrayList<>();
        double[] inFlight;
        try {
            awaitMetadata(base, child);
            String patient = post(base, "Patient", context.newJsonParser().encodeResourceToString(
                    TestResources.patient(TestResources.uniqueValue()))).headers().firstValue("Location").orElseThrow()
                    .replaceAll(".*/(Patient/[^/]+)/_history.*", "$1");
            for (int b = 0; b < BUNDLES_BEFORE_KILL; b++) {
                double[] values = values(b);
                HttpResponse<String> response = post(base, "", bundleJson(patient, b, values));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                acknowledged.add(values);
            }
            inFlight = values(BUNDLES_BEFORE_KILL);
            CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request(base, "",
                    bundleJson(patient, BUNDLES_BEFORE_KILL, inFlight)), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(40); // inside the transaction: values encrypted, parts written, rows being inserted
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pending.handle((r, e) -> null).join();
        } finally {
            child.destroyForcibly();
        }

        try (RunningServer server = RunningServer.start(null, "homocloud.storage.data-dir=" + dataDir, INSECURE_KEYS,
                "homocloud.encryption.repack-interval=0s")) {
            int checked = 0;
            for (int b = 0; b < acknowledged.size(); b++) {
                assertThat(decryptBundle(server, keySet, b)).as("acknowledged bundle %d", b)
                        .containsExactly(acknowledged.get(b));
                checked += acknowledged.get(b).length;
            }
            double[] afterKill = decryptBundle(server, keySet, BUNDLES_BEFORE_KILL);
            assertThat(afterKill.length).as("the bundle in flight: all or nothing").isIn(0, OBSERVATIONS_PER_BUNDLE);
            if (afterKill.length > 0) {
                assertThat(afterKill).containsExactly(inFlight);
            }
            server.bean(Repacker.class).repackAll();
            assertThat(decryptBundle(server, keySet, 0)).as("after repacking on the restarted server")
                    .containsExactly(acknowledged.get(0));
            System.out.printf("[CrashDuringBulkLoadTest] %d acknowledged values decrypt after kill -9; bundle in flight %s%n",
                    checked, afterKill.length == 0 ? "absent" : "whole");
        }
    }

    /** The values of bundle {@code b}, decrypted in entry order (read by identifier); rounded to 1e-6. */
    private double[] decryptBundle(RunningServer server, TestKeySet keySet, int b) {
        double[] values = new double[0];
        for (int i = 0; i < OBSERVATIONS_PER_BUNDLE; i++) {
            Bundle found = server.client().search().byUrl("Observation?identifier=" + TestResources.IDENTIFIER_SYSTEM
                    + "|crash-" + b + "-" + i).returnBundle(Bundle.class).execute();
            if (found.getEntry().isEmpty()) {
                continue;
            }
            assertThat(found.getEntry()).hasSize(1);
            String id = found.getEntryFirstRep().getResource().getIdElement().getIdPart();
            Map<String, Double> decrypted = keySet.readValues(server.client(), id);
            values = java.util.Arrays.copyOf(values, values.length + 1);
            values[values.length - 1] = Math.rint(decrypted.get("valueQuantity") * 1e6) / 1e6;
        }
        return values;
    }

    private static double[] values(int bundle) {
        double[] values = new double[OBSERVATIONS_PER_BUNDLE];
        for (int i = 0; i < values.length; i++) {
            values[i] = 50 + bundle + i / 8.0; // exact in binary, so rounding to 1e-6 recovers them
        }
        return values;
    }

    private String bundleJson(String patient, int b, double[] values) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < values.length; i++) {
            Observation observation = TestResources.weight(patient, values[i], "2024-05-" + String.format("%02d", 1 + i));
            observation.addIdentifier().setSystem(TestResources.IDENTIFIER_SYSTEM).setValue("crash-" + b + "-" + i);
            bundle.addEntry().setResource(observation).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        return context.newJsonParser().encodeResourceToString(bundle);
    }

    private Process startChild(int port) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dataDir.resolve("child.log");
        return new ProcessBuilder(List.of(javaBin.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                HomocloudServer.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--homocloud.storage.data-dir=" + dataDir, "--" + INSECURE_KEYS,
                "--homocloud.encryption.repack-interval=500ms",
                // A test of storage, not of SMART authorization (as RunningServer does for in-process servers).
                "--homocloud.security.enabled=false"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitMetadata(String base, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("child server alive; see " + dataDir.resolve("child.log")).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/metadata")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("child server did not start; log: " + Files.readString(dataDir.resolve("child.log")));
    }

    private HttpResponse<String> post(String base, String path, String json) throws Exception {
        return http.send(request(base, path, json), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String base, String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + (path.isEmpty() ? "" : "/" + path)))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
