package org.homocloud.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.HomocloudCli;
import org.homocloud.he.analytics.LogisticReference;
import org.homocloud.he.analytics.NesterovSchedule;
import org.homocloud.he.analytics.SigmoidApproximation;
import org.homocloud.testdata.synthetic.Feature;
import org.homocloud.testdata.synthetic.FhirWriter;
import org.homocloud.testdata.synthetic.SyntheticGenerator;
import org.homocloud.testdata.synthetic.SyntheticPatient;
import org.springframework.util.FileSystemUtils;

/**
 * Logistic regression through the server, as a custodian and a researcher would run it, at the secure logN 16
 * bootstrapping preset (or, with {@code --quick}, the INSECURE logN 12 test chain): {@code keys create
 * --bootstrapping --upload} against a running server, the synthetic cohort written as transaction Bundles and
 * loaded with {@code load --encrypt} (values encrypted and packed here, as an EHR doing client-side encryption
 * would), then {@code regression --model logistic} with the outcome Condition, the generator's eight vitals and
 * labs as encrypted features (systolic and diastolic pressure as components of blood-pressure panels) and age and
 * gender as plaintext covariates: the 10 columns of the engine-path bench. Prints the time of
 * each step, the key sizes, peak heap, and the decrypted model's AUC against Newton's plaintext fit and its
 * distance from the same Nesterov iterations in plaintext.
 */
public final class LogisticServerBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSPHRASE = "bench passphrase, not a secret";
    /** Every encrypted feature of the generator: systolic and diastolic are blood-pressure panel components. */
    private static final List<Feature> FEATURES = java.util.Arrays.stream(Feature.values())
            .filter(feature -> feature.loinc() != null).toList();
    /** The server's public normalisation of its covariates (he-interceptors Covariate). */
    private static final double[][] COVARIATES = {{50, 50}, {0.5, 0.5}};
    private static final int PATIENTS_PER_BUNDLE = 250;

    private LogisticServerBench() {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String preset = quick ? "insecureForTestingLogN12" : "logN16";
        int patients = quick ? 240 : 1_000;
        int iterations = quick ? 5 : 10;
        PrintStream results = System.out;
        // Logs (Spring, HAPI) go to standard error; results alone to standard output.
        System.setOut(System.err);
        Path dir = Files.createTempDirectory("homocloud-logistic-bench-");
        // The server's logs stay after the run (a failed secure run is read from them).
        ChildServer server = ChildServer.start(Path.of("fhir-server", "target", "bench-regression-server"), quick ? "4g" : System.getProperty("bench.server.heap", "20g"),
                "--homocloud.storage.data-dir=" + dir.resolve("data"),
                "--homocloud.encryption.key-set-id=bench",
                "--homocloud.encryption.allow-insecure-parameters-for-testing=" + quick);
        try {
            Map<String, Object> common = new LinkedHashMap<>();
            common.put("suite", "regression-server");
            common.put("preset", preset);
            common.put("patients", patients);

            long t = System.nanoTime();
            Path key = dir.resolve("bench.key");
            JsonNode created = cli(quick, "keys", "create", "--key", key.toString(), "--key-set", "bench",
                    "--bootstrapping", preset, "--server", server.baseUrl(), "--upload", "--json");
            double keySeconds = seconds(t);
            line(results, common, "keys_create_and_upload_s", keySeconds, Map.of(
                    "public_material_bytes", created.path("publicMaterialBytes").asLong(),
                    "bootstrapping_keys", created.path("bootstrappingKeys").asInt()));

            List<SyntheticPatient> cohort = new SyntheticGenerator(20261124).patients(patients);
            List<String> load = new ArrayList<>(List.of("load", "--encrypt", "--key", key.toString(), "--server",
                    server.baseUrl(), "--json"));
            FhirWriter writer = new FhirWriter();
            for (int from = 0; from < patients; from += PATIENTS_PER_BUNDLE) {
                Path bundle = dir.resolve("bundle-" + from + ".json");
                try (OutputStream out = Files.newOutputStream(bundle)) {
                    writer.writeBundle(cohort.subList(from, Math.min(patients, from + PATIENTS_PER_BUNDLE)), out);
                }
                load.add(bundle.toString());
            }
            t = System.nanoTime();
            JsonNode loaded = cli(quick, load.toArray(String[]::new));
            line(results, common, "load_encrypt_s", seconds(t), Map.of(
                    "encrypted_values", loaded.path("encryptedValues").asInt(),
                    "ciphertexts", loaded.path("ciphertexts").asInt()));

            List<String> regression = new ArrayList<>(List.of("regression", "--key", key.toString(), "--server",
                    server.baseUrl(), "--model", "logistic", "--outcome-condition", FhirWriter.OUTCOME_SNOMED,
                    "--iterations", String.valueOf(iterations), "--covariate", "age", "--covariate", "gender",
                    "--param", "patient.identifier=urn:homocloud:synthetic|", "--json"));
            for (Feature feature : FEATURES) {
                regression.addAll(List.of("--feature", feature.loinc(), "--feature-center",
                        String.valueOf(feature.center()), "--feature-scale", String.valueOf(feature.scale())));
            }
            t = System.nanoTime();
            JsonNode answer = cli(quick, regression.toArray(String[]::new));
            double trainSeconds = seconds(t);

            LocalDate at = LocalDate.parse(answer.get("covariateDate").asText());
            double[][] x = new double[patients][FEATURES.size() + 2];
            int[] y = new int[patients];
            for (int p = 0; p < patients; p++) {
                SyntheticPatient patient = cohort.get(p);
                for (int f = 0; f < FEATURES.size(); f++) {
                    x[p][f] = (FEATURES.get(f).of(patient) - FEATURES.get(f).center()) / FEATURES.get(f).scale();
                }
                double age = ChronoUnit.DAYS.between(patient.birthDate(), at) / 365.25;
                x[p][FEATURES.size()] = (age - COVARIATES[0][0]) / COVARIATES[0][1];
                x[p][FEATURES.size() + 1] = ((patient.female() ? 1 : 0) - COVARIATES[1][0]) / COVARIATES[1][1];
                y[p] = patient.outcome() ? 1 : 0;
            }
            List<String> names = new ArrayList<>(List.of("intercept"));
            FEATURES.forEach(feature -> names.add(FhirWriter.LOINC + "|" + feature.loinc()));
            names.addAll(List.of("age", "gender"));
            double[] encrypted = new double[names.size()];
            for (int c = 0; c < names.size(); c++) {
                JsonNode value = answer.get("normalisedCoefficients").get(names.get(c));
                if (value == null) {
                    throw new IllegalStateException("no coefficient " + names.get(c) + " in " + answer);
                }
                encrypted[c] = value.asDouble();
            }
            double[] mirror = LogisticReference.nesterovPolynomial(LogisticReference.signedRows(x, y), iterations,
                    NesterovSchedule.kim(), SigmoidApproximation.kimDegree3());
            double[] newton = LogisticReference.newton(x, y, 25);
            double worst = 0;
            for (int c = 0; c < names.size(); c++) {
                worst = Math.max(worst, Math.abs(encrypted[c] - mirror[c]));
            }
            double aucEncrypted = LogisticReference.auc(LogisticReference.scores(x, encrypted), y);
            double aucNewton = LogisticReference.auc(LogisticReference.scores(x, newton), y);
            Map<String, Object> train = new LinkedHashMap<>();
            train.put("features", FEATURES.size() + 2);
            train.put("iterations", iterations);
            train.put("bootstraps", answer.get("bootstraps").asInt());
            train.put("auc_encrypted", round(aucEncrypted));
            train.put("auc_newton", round(aucNewton));
            train.put("auc_difference", round(Math.abs(aucEncrypted - aucNewton)));
            train.put("max_abs_vs_plaintext_nesterov", worst);
            train.put("bits_vs_plaintext_nesterov", round(-Math.log(Math.max(worst, 1e-300)) / Math.log(2)));
            train.put("target_s", 600);
            train.put("met", trainSeconds < 600);
            line(results, common, "logistic_through_server_wall_s", trainSeconds, train);
            line(results, common, "server_peak_rss_gb", server.peakResidentBytes() / 1e9, Map.of(
                    "server_max_heap", server.maxHeap()));
        } finally {
            server.close();
            FileSystemUtils.deleteRecursively(dir.toFile());
        }
    }

    /**
     * Runs the command line in a JVM of its own (as `./homocloud ARGS` would), so that what it allocates (the
     * custodian's gigabytes of generated keys) is never counted against the server; answers its --json document.
     */
    private static JsonNode cli(boolean quick, String... args) throws Exception {
        // keys create holds the bootstrapping key set it generates (about 9 GB at logN 16) before writing it.
        String heap = quick ? "2g" : "keys".equals(args[0]) ? "12g" : "3g";
        List<String> command = new ArrayList<>(List.of(ChildServer.java(), "-Xmx" + heap, "-cp",
                System.getProperty("java.class.path"), HomocloudCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put(CliEnvironment.PASSPHRASE_VARIABLE, PASSPHRASE);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException("homocloud " + args[0] + " exited " + code);
        }
        return JSON.readTree(out);
    }

    private static void line(PrintStream results, Map<String, Object> common, String metric, double value,
            Map<String, ?> extra) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>(common);
        line.put("metric", metric);
        line.put("value", round(value));
        line.putAll(extra);
        results.println(JSON.writeValueAsString(line));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
