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
import java.io.ByteArrayInputStream;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.packing.PackingIndex;
import org.homocloud.fhir.packing.Repacker;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.homocloud.server.encryption.EncryptionProperties;
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
 *
 * <p>The same two workloads then run against a second server (its own temporary data directory) with
 * encryption enabled and a key set at the secure default {@link CkksPresets#logN14()}, generated once at start
 * (as the custodian would, public key and relinearization key registered): those lines carry
 * {@code "encrypted":true}, followed by the encrypted/plain throughput ratio of each workload. Background
 * repacking is off during the measurement; afterwards one repacking pass folds every part into its group's
 * packed ciphertext (timed), and the live ciphertext bytes per stored value are reported (the packed
 * blobs, summed), beside the SQLite file's growth (which keeps freed pages for reuse).
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

        // The custodian's key set, generated once: secure logN 14 parameters, public and relinearization keys.
        long keygenStart = System.nanoTime();
        CkksParameters parameters = CkksPresets.logN14();
        KeyGenerator generator = new KeyGenerator(parameters.rlwe());
        SecretKey secretKey = generator.generateSecretKey();
        byte[] parameterBytes = ParametersCodec.toBytes(parameters);
        byte[] publicKeyBytes = new PublicKeyCodec(parameters).toBytes(generator.generatePublicKey(secretKey));
        byte[] evaluationKeyBytes = new EvaluationKeySetCodec(parameters).toBytes(
                new EvaluationKeySet(generator.generateRelinearizationKey(secretKey), List.of()));
        System.err.printf("ingest bench: logN 14 key set (public + relinearization key) generated in %.3f s%n",
                (System.nanoTime() - keygenStart) / 1e9);

        double[] plain = new double[2];
        Path dataDir = Files.createTempDirectory("homocloud-bench-");
        try (RunningServer server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + dataDir, "logging.level.root=WARN",
                // The plain baseline.
                "homocloud.encryption.enabled=false")) {
            IGenericClient client = server.client();
            String patient = "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue()))
                    .execute().getId().getIdPart();

            singlePosts(server, patient, warmup);
            transaction(client, patient, warmup);

            double cpuBefore = processCpuSeconds();
            double singleSeconds = singlePosts(server, patient, observations);
            double singleCpu = processCpuSeconds() - cpuBefore;
            plain[0] = observations / singleSeconds;
            print(results, "single_post_throughput", observations / singleSeconds, observations, singleSeconds,
                    singleCpu, Map.of("threads", THREADS), false);

            cpuBefore = processCpuSeconds();
            double bundleSeconds = transaction(client, patient, observations);
            double bundleCpu = processCpuSeconds() - cpuBefore;
            plain[1] = observations / bundleSeconds;
            print(results, "transaction_bundle_throughput", observations / bundleSeconds, observations, bundleSeconds,
                    bundleCpu, Map.of("bundles", 1), false);
        } finally {
            FileSystemUtils.deleteRecursively(dataDir);
        }

        Path encryptedDataDir = Files.createTempDirectory("homocloud-bench-encrypted-");
        try (RunningServer server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + encryptedDataDir, "logging.level.root=WARN",
                "homocloud.encryption.enabled=true", "homocloud.encryption.repack-interval=0s")) {
            EncryptionProperties encryption = server.bean(EncryptionProperties.class);
            server.bean(KeySetRegistry.class).register(encryption.keySetId(), parameterBytes, publicKeyBytes,
                    new ByteArrayInputStream(evaluationKeyBytes));
            Path storeDir = encryption.storeDirectory(encryptedDataDir);
            IGenericClient client = server.client();
            String patient = "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue()))
                    .execute().getId().getIdPart();
            long storeBytesBefore = directorySize(storeDir);
            long blobBytesBefore = summedBlobBytes(storeDir);

            // HAPI is already compiled by the plain run in this JVM; a shorter warm-up covers the CKKS code and
            // keeps the store (a single POST's part is a whole ciphertext until repacking) from growing by
            // gigabytes before the measurement.
            int encryptedWarmup = 200;
            singlePosts(server, patient, encryptedWarmup);
            transaction(client, patient, encryptedWarmup);

            double cpuBefore = processCpuSeconds();
            double singleSeconds = singlePosts(server, patient, observations);
            double singleCpu = processCpuSeconds() - cpuBefore;
            double singleThroughput = observations / singleSeconds;
            print(results, "single_post_throughput", singleThroughput, observations, singleSeconds,
                    singleCpu, Map.of("threads", THREADS, "parameters", "logN14"), true);

            cpuBefore = processCpuSeconds();
            double bundleSeconds = transaction(client, patient, observations);
            double bundleCpu = processCpuSeconds() - cpuBefore;
            double bundleThroughput = observations / bundleSeconds;
            print(results, "transaction_bundle_throughput", bundleThroughput, observations, bundleSeconds,
                    bundleCpu, Map.of("bundles", 1, "parameters", "logN14"), true);

            printRatio(results, "single_post", singleThroughput / plain[0]);
            printRatio(results, "transaction_bundle", bundleThroughput / plain[1]);

            // A bulk load that fills at least one packing group (8,192 slots at logN 14), as an EHR's initial
            // load would: the amortized size is about full groups, not the one the run happens to end in.
            int bulkBundles = quick ? 4 : 8;
            for (int b = 0; b < bulkBundles; b++) {
                transaction(client, patient, 2048);
            }

            // One value per weight Observation; the key set was registered before the baseline size was taken.
            long values = 2L * encryptedWarmup + 2L * observations + 2048L * bulkBundles;
            long blobBytesBeforeRepack = summedBlobBytes(storeDir) - blobBytesBefore;
            double repackCpuBefore = processCpuSeconds();
            long repackStart = System.nanoTime();
            int groups = server.bean(Repacker.class).repackAll();
            double repackSeconds = (System.nanoTime() - repackStart) / 1e9;
            // Superseded parts wait a grace period before deletion (crash safety); nothing crashes here.
            server.bean(Repacker.class).collectGarbage(0);
            Map<String, Object> repack = new LinkedHashMap<>();
            repack.put("suite", "ingest");
            repack.put("metric", "repack_throughput");
            repack.put("value", Math.round(values / repackSeconds * 10) / 10.0);
            repack.put("unit", "values/s");
            repack.put("values", values);
            repack.put("groups", groups);
            repack.put("seconds", Math.round(repackSeconds * 1000) / 1000.0);
            repack.put("process_cpu_seconds", Math.round((processCpuSeconds() - repackCpuBefore) * 1000) / 1000.0);
            repack.put("parameters", "logN14");
            results.println(JSON.writeValueAsString(repack));

            long storeBytes = directorySize(storeDir) - storeBytesBefore;
            long blobBytes = summedBlobBytes(storeDir) - blobBytesBefore;
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("suite", "ingest");
            line.put("metric", "ciphertext_bytes_per_value");
            line.put("value", Math.round((double) blobBytes / values));
            line.put("unit", "bytes");
            line.put("target", 128);
            line.put("values", values);
            line.put("groups", server.bean(PackingIndex.class).totals().groups());
            line.put("packed_bytes_per_slot", Math.round((double) blobBytes
                    / server.bean(PackingIndex.class).totals().groups() / (parameters.n() / 2)));
            line.put("live_blob_bytes", blobBytes);
            line.put("before_repacking_bytes_per_value", Math.round((double) blobBytesBeforeRepack / values));
            line.put("store_file_growth_bytes_per_value", Math.round((double) storeBytes / values));
            line.put("store", "sqlite-file");
            line.put("parameters", "logN14");
            line.put("encrypted", true);
            results.println(JSON.writeValueAsString(line));
            results.flush();
        } finally {
            FileSystemUtils.deleteRecursively(encryptedDataDir);
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
            double cpuSeconds, Map<String, Object> extra, boolean encrypted) throws IOException {
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
        line.put("encrypted", encrypted);
        line.put("load_average_1m", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
        out.println(JSON.writeValueAsString(line));
        out.flush();
    }

    private static void printRatio(PrintStream out, String workload, double ratio) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("suite", "ingest");
        line.put("metric", "encrypted_vs_plain_throughput_ratio");
        line.put("value", Math.round(ratio * 1000) / 1000.0);
        line.put("unit", "ratio");
        line.put("workload", workload);
        line.put("parameters", "logN14");
        out.println(JSON.writeValueAsString(line));
        out.flush();
    }

    /** Sum of the stored blobs' lengths, read from the SQLite store's {@code blobs} table. */
    private static long summedBlobBytes(Path storeDir) throws java.sql.SQLException {
        String url = "jdbc:sqlite:" + storeDir.resolve(SqliteCiphertextStore.FILE_NAME).toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT COALESCE(SUM(length), 0) FROM blobs")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Bytes of the files under {@code dir} (the SQLite database with its WAL and shared-memory files). */
    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
