package org.homocloud.server.bench;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.springframework.util.FileSystemUtils;

/**
 * Plain (unencrypted) Observation ingest throughput on the embedded H2 database: the baseline that encrypted
 * ingest is compared against. Run through {@code ./bench ingest [--quick]}; prints one JSON object per line.
 *
 * <p>The server runs in this JVM on a fresh temporary data directory, and the clients talk to it over
 * loopback HTTP with HAPI's generic client, so the figures include parsing, HTTP and the database commit,
 * as an EHR would see them. A warm-up (single POSTs and a transaction) is excluded from the measurement.
 */
public final class IngestBench {

    private static final int THREADS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestBench() {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int observations = quick ? 300 : 2000;
        // HAPI is a large code base: on two cores the JIT compilers take more CPU than the requests for the
        // first thousand or so. Warming up that long, in quick mode too, measures the server, not the compiler.
        int warmup = 1000;

        // Spring and HAPI log to standard output; the JSON lines must be the only thing there.
        PrintStream results = System.out;
        System.setOut(System.err);

        Path dataDir = Files.createTempDirectory("homocloud-bench-");
        try (RunningServer server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + dataDir, "logging.level.root=WARN",
                // The plain baseline; encrypted ingest throughput is not measured yet.
                "homocloud.encryption.enabled=false")) {
            IGenericClient client = server.client();
            String patient = "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue()))
                    .execute().getId().getIdPart();

            singlePosts(server, patient, warmup);
            transaction(client, patient, warmup);

            double cpuBefore = processCpuSeconds();
            double singleSeconds = singlePosts(server, patient, observations);
            double singleCpu = processCpuSeconds() - cpuBefore;
            print(results, "single_post_throughput", observations / singleSeconds, observations, singleSeconds,
                    singleCpu, Map.of("threads", THREADS));

            cpuBefore = processCpuSeconds();
            double bundleSeconds = transaction(client, patient, observations);
            double bundleCpu = processCpuSeconds() - cpuBefore;
            print(results, "transaction_bundle_throughput", observations / bundleSeconds, observations, bundleSeconds,
                    bundleCpu, Map.of("bundles", 1));
        } finally {
            FileSystemUtils.deleteRecursively(dataDir);
        }
        // HAPI leaves non-daemon scheduler threads behind after the context closes.
        System.exit(0);
    }

    /** POSTs {@code count} Observations one by one from {@link #THREADS} clients; returns elapsed seconds. */
    private static double singlePosts(RunningServer server, String patient, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                IGenericClient client = server.client();
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        client.create().resource(observation(patient, i)).execute();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends one transaction Bundle of {@code count} Observations; returns elapsed seconds. */
    private static double transaction(IGenericClient client, String patient, int count) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < count; i++) {
            bundle.addEntry().setResource(observation(patient, i)).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        long start = System.nanoTime();
        Bundle response = client.transaction().withBundle(bundle).execute();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.getEntry().size() != count) {
            throw new IllegalStateException("transaction answered " + response.getEntry().size() + " entries, sent " + count);
        }
        return seconds;
    }

    private static org.hl7.fhir.r4.model.Observation observation(String patient, int i) {
        String effective = String.format("2024-%02d-%02dT%02d:00:00Z", 1 + i % 12, 1 + i % 28, i % 24);
        return TestResources.weight(patient, 50 + (i % 500) / 10.0, effective);
    }

    /**
     * CPU time of this JVM (server and clients together). Reported beside wall time because the figures are
     * only comparable between runs when nothing else competes for the two cores; the load average says so.
     */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static void print(PrintStream out, String metric, double value, int observations, double seconds,
            double cpuSeconds, Map<String, Object> extra) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("suite", "ingest");
        line.put("metric", metric);
        line.put("value", Math.round(value * 10) / 10.0);
        line.put("unit", "observations/s");
        line.put("observations", observations);
        line.put("seconds", Math.round(seconds * 1000) / 1000.0);
        line.put("process_cpu_seconds", Math.round(cpuSeconds * 1000) / 1000.0);
        line.putAll(extra);
        line.put("database", "h2-file");
        line.put("encrypted", false);
        line.put("load_average_1m", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
        out.println(JSON.writeValueAsString(line));
        out.flush();
    }
}
