package org.homocloud.server.bench;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.operations.CohortSearch;
import org.homocloud.fhir.packing.Repacker;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.homocloud.server.encryption.EncryptionProperties;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.springframework.util.FileSystemUtils;

/**
 * {@code Observation/$encrypted-mean} end to end at 10k, 100k and 1M stored Observations (secure logN 14 key
 * set, embedded H2 and SQLite store, values packed by the server at ingest and repacked), beside the plaintext
 * mean of the same cohort computed in the same run by the same server: the same cohort search through HAPI's
 * JPA DAO, then the plaintext values summed. The encrypted mean is decrypted and compared with the plaintext one.
 *
 * <p>Lines: {@code load} (Observations/s while loading), {@code encrypted_mean_latency} and
 * {@code plaintext_mean_latency} (median seconds), {@code cohort_search_seconds} (the share both spend finding
 * the cohort), {@code encrypted_vs_plaintext_ratio}, with {@code relative_error} of the decrypted mean, and
 * {@code group_cohort_mean_latency}: the same cohort as {@code subject=Group/ID} of every loaded patient. The
 * plaintext arithmetic alone (a loop over doubles) is printed too, so that nobody mistakes the baseline for it.
 */
public final class MeanBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATIENTS_PER_BUNDLE = 100;
    private static final int WEIGHTS_PER_PATIENT = 10;
    private static final String CODE = TestResources.LOINC + "|" + TestResources.BODY_WEIGHT;

    private final PrintStream results;
    private final Map<String, Double> plaintext = new HashMap<>();
    private final List<String> patients = new ArrayList<>();
    private final Random random = new Random(20261124);
    private int loaded;

    private MeanBench(PrintStream results) {
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int[] sizes = quick ? new int[] {10_000} : new int[] {10_000, 100_000, 1_000_000};
        for (String arg : args) {
            if (arg.startsWith("--sizes=")) { // e.g. --sizes=10000,100000 on a machine without hours to spare
                sizes = Arrays.stream(arg.substring("--sizes=".length()).split(",")).mapToInt(Integer::parseInt).toArray();
            }
        }
        PrintStream results = System.out;
        System.setOut(System.err); // Spring and HAPI log to standard output; the JSON lines must be alone there.
        new MeanBench(results).run(sizes);
    }

    private void run(int[] sizes) throws Exception {
        CkksParameters parameters = CkksPresets.logN14();
        long keygenStart = System.nanoTime();
        KeyGenerator generator = new KeyGenerator(parameters.rlwe());
        SecretKey secretKey = generator.generateSecretKey();
        // The CLI's key set: relinearization and rotations by plus and minus powers of two (rotate-and-sum).
        List<GaloisKey> rotations = new ArrayList<>();
        for (int k = 1; k < parameters.n() / 2; k <<= 1) {
            rotations.add(generator.generateGaloisKey(secretKey, Rotations.galoisElement(parameters.logN(), k)));
            rotations.add(generator.generateGaloisKey(secretKey, Rotations.galoisElement(parameters.logN(), -k)));
        }
        byte[] evaluationKeys = new EvaluationKeySetCodec(parameters).toBytes(
                new EvaluationKeySet(generator.generateRelinearizationKey(secretKey), rotations));
        System.err.printf("mean bench: logN 14 key set generated in %.1f s%n", (System.nanoTime() - keygenStart) / 1e9);

        Path dataDir = Files.createTempDirectory("homocloud-bench-mean-");
        try (RunningServer server = RunningServer.start(null,
                "homocloud.storage.data-dir=" + dataDir, "logging.level.root=WARN",
                "homocloud.encryption.enabled=true", "homocloud.encryption.repack-interval=0s")) {
            server.bean(KeySetRegistry.class).register(server.bean(EncryptionProperties.class).keySetId(),
                    ParametersCodec.toBytes(parameters), new PublicKeyCodec(parameters).toBytes(generator.generatePublicKey(secretKey)),
                    new ByteArrayInputStream(evaluationKeys));
            Decrypting decrypting = new Decrypting(parameters, secretKey);
            for (int size : sizes) {
                load(server.client(), size);
                long repackStart = System.nanoTime();
                server.bean(Repacker.class).repackAll();
                server.bean(Repacker.class).collectGarbage(0);
                System.err.printf("mean bench: %d observations loaded, repacked in %.1f s%n", loaded,
                        (System.nanoTime() - repackStart) / 1e9);
                measure(server, decrypting, size);
            }
        } finally {
            FileSystemUtils.deleteRecursively(dataDir);
        }
    }

    /** Loads synthetic patients, ten weights each, in transaction Bundles, until {@code target} Observations. */
    private void load(IGenericClient client, int target) throws IOException {
        long start = System.nanoTime();
        int before = loaded;
        while (loaded < target) {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            List<Double> values = new ArrayList<>();
            for (int p = 0; p < PATIENTS_PER_BUNDLE; p++) {
                Patient patient = TestResources.patient(TestResources.uniqueValue());
                patient.setGender(random.nextBoolean() ? Enumerations.AdministrativeGender.FEMALE
                        : Enumerations.AdministrativeGender.MALE);
                String reference = "urn:uuid:" + UUID.randomUUID();
                bundle.addEntry().setFullUrl(reference).setResource(patient).getRequest()
                        .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
                double typical = 55 + 50 * random.nextDouble();
                for (int w = 0; w < WEIGHTS_PER_PATIENT; w++) {
                    double kg = Math.round((typical + 4 * random.nextGaussian()) * 100) / 100.0;
                    values.add(kg);
                    bundle.addEntry().setResource(TestResources.weight(reference, kg,
                            String.format("20%02d-%02d-15", 15 + w, 1 + random.nextInt(12)))).getRequest()
                            .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
                }
            }
            Bundle response = client.transaction().withBundle(bundle).execute();
            int value = 0;
            for (Bundle.BundleEntryComponent entry : response.getEntry()) {
                String location = entry.getResponse().getLocation();
                if (location.startsWith("Observation/")) {
                    plaintext.put(location.split("/")[1], values.get(value++));
                } else if (location.startsWith("Patient/")) {
                    patients.add("Patient/" + location.split("/")[1]);
                }
            }
            loaded += value;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> line = line("load_throughput", (loaded - before) / seconds, "observations/s", loaded);
        line.put("seconds", round(seconds, 1));
        print(line);
    }

    private void measure(RunningServer server, Decrypting decrypting, int size) throws Exception {
        int runs = size >= 1_000_000 ? 2 : 3;
        String query = "code=" + URLEncoder.encode(CODE, StandardCharsets.UTF_8);
        String url = server.baseUrl() + "/Observation/$encrypted-mean?" + query;
        IGenericClient client = server.client();
        client.fetchResourceFromUrl(Parameters.class, url); // warm-up: JIT, the key set's evaluator, caches

        double[] encrypted = new double[runs];
        Parameters result = null;
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            result = client.fetchResourceFromUrl(Parameters.class, url);
            encrypted[r] = (System.nanoTime() - start) / 1e9;
        }
        CohortSearch search = server.bean(CohortSearch.class);
        double[] plain = new double[runs];
        double[] searchOnly = new double[runs];
        double plainMean = 0;
        int plainCount = 0;
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            List<Observation> cohort = search.search(query);
            searchOnly[r] = (System.nanoTime() - start) / 1e9;
            double sum = 0;
            for (Observation observation : cohort) {
                sum += plaintext.get(observation.getIdElement().getIdPart());
            }
            plainMean = sum / cohort.size();
            plainCount = cohort.size();
            plain[r] = (System.nanoTime() - start) / 1e9;
        }
        double[] values = plaintext.values().stream().mapToDouble(Double::doubleValue).toArray();
        long arithmeticStart = System.nanoTime();
        double arithmeticSum = 0;
        for (double v : values) {
            arithmeticSum += v;
        }
        double arithmeticSeconds = (System.nanoTime() - arithmeticStart) / 1e9;

        int count = ((IntegerType) result.getParameter("count").getValue()).getValue();
        if (count != size || plainCount != size) {
            throw new IllegalStateException("the cohort should hold " + size + " Observations: the encrypted mean counted "
                    + count + ", the plaintext search found " + plainCount);
        }
        double decrypted = decrypting.slotZero(result);
        double relativeError = Math.abs(decrypted - plainMean) / Math.abs(plainMean);
        double encryptedMedian = median(encrypted);
        double plainMedian = median(plain);

        Map<String, Object> line = line("encrypted_mean_latency", encryptedMedian, "s", size);
        line.put("runs", Arrays.toString(round(encrypted)));
        line.put("decrypted_mean", decrypted);
        line.put("plaintext_mean", plainMean);
        line.put("relative_error", relativeError);
        line.put("log2_error", round(Math.log(Math.abs(decrypted - plainMean)) / Math.log(2), 1));
        print(line);
        line = line("plaintext_mean_latency", plainMedian, "s", size);
        line.put("runs", Arrays.toString(round(plain)));
        line.put("what", "same cohort search through the JPA DAO, then the plaintext values summed");
        print(line);
        print(line("cohort_search_seconds", median(searchOnly), "s", size));
        line = line("plaintext_arithmetic_only", arithmeticSeconds, "s", size);
        line.put("check", round(arithmeticSum / values.length, 3));
        print(line);
        line = line("encrypted_vs_plaintext_ratio", encryptedMedian / plainMedian, "ratio", size);
        line.put("target_at_1M", "<= 10");
        print(line);
        measureGroupCohort(server, decrypting, size, plainMean, encryptedMedian, runs);
    }

    /**
     * The same cohort named as a Group of every loaded patient ({@code subject=Group/ID}: its members, searched
     * in chunks of subject references), timed beside the code-only cohort and decrypted to the same mean.
     */
    private void measureGroupCohort(RunningServer server, Decrypting decrypting, int size, double plainMean,
            double codeOnlyMedian, int runs) throws Exception {
        Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
        patients.forEach(patient -> group.addMember().getEntity().setReference(patient));
        IGenericClient client = server.client();
        String id = client.create().resource(group).execute().getId().getIdPart();
        String url = server.baseUrl() + "/Observation/$encrypted-mean?code=" + URLEncoder.encode(CODE, StandardCharsets.UTF_8)
                + "&subject=" + URLEncoder.encode("Group/" + id, StandardCharsets.UTF_8);
        double[] seconds = new double[runs];
        Parameters result = null;
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            result = client.fetchResourceFromUrl(Parameters.class, url);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        int count = ((IntegerType) result.getParameter("count").getValue()).getValue();
        if (count != size) {
            throw new IllegalStateException("the Group cohort should hold " + size + " Observations, not " + count);
        }
        double decrypted = decrypting.slotZero(result);
        Map<String, Object> line = line("group_cohort_mean_latency", median(seconds), "s", size);
        line.put("members", patients.size());
        line.put("runs", Arrays.toString(round(seconds)));
        line.put("relative_error", Math.abs(decrypted - plainMean) / Math.abs(plainMean));
        line.put("vs_code_only_cohort", round(median(seconds) / codeOnlyMedian, 2));
        print(line);
    }

    private Map<String, Object> line(String metric, double value, String unit, int observations) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("suite", "mean");
        line.put("metric", metric);
        line.put("value", round(value, 4));
        line.put("unit", unit);
        line.put("observations", observations);
        line.put("parameters", "logN14");
        line.put("load_average_1m", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
        return line;
    }

    private void print(Map<String, Object> line) throws IOException {
        results.println(JSON.writeValueAsString(line));
        results.flush();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(v -> round(v, 3)).toArray();
    }

    /** The custodian's side: decrypts slot 0 of the result's mean ciphertext. */
    private record Decrypting(CkksParameters parameters, SecretKey secretKey) {
        double slotZero(Parameters result) {
            byte[] ciphertext = result.getParameter().stream().filter(p -> p.getName().equals("statistic"))
                    .flatMap(p -> p.getPart().stream()).filter(part -> part.getName().equals("ciphertext"))
                    .map(part -> ((Base64BinaryType) part.getValue()).getValue()).findFirst().orElseThrow();
            return new Encoder(parameters).decodeReal(
                    new Decryptor(secretKey).decrypt(new CiphertextCodec(parameters).fromBytes(ciphertext)))[0];
        }
    }
}
