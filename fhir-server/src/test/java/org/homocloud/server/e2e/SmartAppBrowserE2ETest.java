package org.homocloud.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.HomocloudCli;
import org.homocloud.cli.keys.ParameterPresets;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.server.UserAccounts;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in a real browser (issues 7 and 8): the server as `./homocloud serve` runs it (SMART authorization
 * on, encryption at ingest under the product's logN 14 key set made by `keys create --upload`), the 40 Synthea
 * bundles loaded as an EHR would post them, a user account provisioned, then {@code smart-app/e2e/serverLaunch.mjs}
 * drives headless Chromium: fhirclient's standalone launch from a page of its own, and the SMART app at /app
 * (login, key file, patient view, cohort mean) compared with the source bundles. Every result ciphertext is
 * answered as a Binary reference here (inline limit 0), so the app's fetch of large results is what runs. The script's checks and the
 * numbers it measured come back as one JSON line; screenshots land in {@code smart-app/target/e2e-server}.
 *
 * <p>Chromium ({@code /usr/bin/chromium}, or {@code CHROMIUM}) and Node are required: missing, the test fails
 * with what to install rather than skipping, so a green build always means the browser ran.
 */
class SmartAppBrowserE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSPHRASE = "e2e custodian passphrase, not a real one";
    private static final String USER = "e2e-clinician";
    private static final String USER_PASSWORD = "e2e password for the browser test";
    /** A third-party app with a page of its own (served by the script on another loopback port). */
    private static final String FHIRCLIENT_APP = "e2e-fhirclient-page";

    @TempDir
    Path dir;

    @Test
    void smartApp_inChromium_againstTheSyntheaServer() throws Exception {
        Path chromium = Path.of(Optional.ofNullable(System.getenv("CHROMIUM")).orElse("/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium))
                .as("the browser e2e needs Chromium at %s: apt-get install chromium (CI's .ci/run does), or set CHROMIUM",
                        chromium)
                .isTrue();
        Path smartApp = smartAppDirectory();
        Path script = smartApp.resolve("e2e/serverLaunch.mjs");
        assertThat(smartApp.resolve("node_modules/playwright-core")).as("npm ci in %s", smartApp).isDirectory();

        Path dataDir = dir.resolve("data");
        long started = System.nanoTime();
        try (RunningServer server = RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.inline-result-limit=0",
                // The bundled app as application.yaml registers it (a configured list replaces the default one).
                "homocloud.security.clients[0].client-id=homocloud-smart-app",
                "homocloud.security.clients[0].redirect-uris[0]=http://127.0.0.1/app/",
                "homocloud.security.clients[0].redirect-uris[1]=http://127.0.0.1/app",
                "homocloud.security.clients[0].scope=openid fhirUser launch launch/patient offline_access online_access"
                        + " patient/*.cruds user/*.cruds user/Observation.$encrypted-aggregate",
                "homocloud.security.clients[1].client-id=" + FHIRCLIENT_APP,
                "homocloud.security.clients[1].redirect-uris[0]=http://127.0.0.1/launch.html",
                "homocloud.security.clients[1].scope=openid fhirUser launch/patient patient/*.rs")) {
            double startSeconds = seconds(started);
            String base = server.baseUrl();

            long t = System.nanoTime();
            Path keyFile = dir.resolve("custodian.hckf");
            CliResult created = cli(PASSPHRASE, "keys", "create", "--key", keyFile.toString(), "--server", base,
                    "--data-dir", dataDir.toString(), "--upload", "--json");
            assertThat(created.code()).as(created.err()).isZero();
            double keySeconds = seconds(t);

            BackendServicesTokenClient tokens = BackendServicesTokenClient.forLocalServer(dataDir, base);
            IGenericClient ehr = FhirClients.client(base);
            ehr.registerInterceptor(tokens.bearerInterceptor("system/*.cruds"));
            t = System.nanoTime();
            List<Path> files = SyntheaBundles.files();
            assertThat(files).hasSize(SyntheaBundles.EXPECTED_PATIENTS);
            // Two EHR connections at once (the machine has two cores): each bundle is one patient's own
            // transaction with no conditional references, so the order does not matter.
            ExecutorService posters = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> posted = new ArrayList<>();
                for (Path file : files) {
                    posted.add(posters.submit(() -> ehr.transaction()
                            .withBundle(SyntheaBundles.parse(FhirClients.context(), file)).execute()));
                }
                for (Future<?> post : posted) {
                    post.get();
                }
            } finally {
                posters.shutdown();
            }
            double loadSeconds = seconds(t);

            Path patientFile = patientWithFewestObservations(files);
            String patientId = serverId(ehr, patientFile);
            Practitioner clinician = new Practitioner();
            clinician.addName().setFamily("Lovelace").addGiven("Ada");
            String practitionerId = ehr.create().resource(clinician).execute().getId().getIdPart();
            server.bean(UserAccounts.class).add(USER, USER_PASSWORD, "Practitioner/" + practitionerId, patientId);

            Path secretKey = dir.resolve("secret-key.bin");
            Files.write(secretKey, secretKeyBytes(keyFile));

            Path artifacts = smartApp.resolve("target/e2e-server");
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("CHROMIUM", chromium.toString());
            environment.put("E2E_ORIGIN", "http://127.0.0.1:" + server.port());
            environment.put("E2E_USERNAME", USER);
            environment.put("E2E_PASSWORD", USER_PASSWORD);
            environment.put("E2E_KEY_FILE", keyFile.toString());
            environment.put("E2E_KEY_PASSPHRASE", PASSPHRASE);
            environment.put("E2E_SECRET_KEY", secretKey.toString());
            environment.put("E2E_SYNTHEA_DIR", SyntheaBundles.directory().toString());
            environment.put("E2E_PATIENT_BUNDLE", patientFile.toString());
            environment.put("E2E_PATIENT_ID", patientId);
            environment.put("E2E_USER_NAME", "Ada Lovelace");
            environment.put("E2E_FHIRCLIENT_CLIENT_ID", FHIRCLIENT_APP);
            environment.put("E2E_ARTIFACTS", artifacts.toString());

            t = System.nanoTime();
            ProcessResult browser = node(smartApp, script, environment);
            double browserSeconds = seconds(t);
            System.out.printf("browser e2e: server start %.1f s, keys create --upload %.1f s, Synthea load %.1f s"
                    + " (%d bundles), browser %.1f s%n", startSeconds, keySeconds, loadSeconds, files.size(), browserSeconds);
            assertThat(browser.code()).as("serverLaunch.mjs failed (screenshots in %s):%n%s", artifacts, browser.err())
                    .isZero();
            JsonNode result = JSON.readTree(browser.lastLine());
            System.out.println("browser e2e result: " + result);
            assertThat(result.path("failures").asInt(-1)).isZero();
            assertThat(result.path("fhirclient").path("patient").asText()).isEqualTo(patientId);
            assertThat(result.path("cohort").path("count").asInt()).isPositive();
            assertThat(result.path("cohort").path("patients").asInt()).isEqualTo(SyntheaBundles.EXPECTED_PATIENTS);
            assertThat(Math.abs(result.path("cohort").path("difference").asDouble(1))).isLessThanOrEqualTo(
                    result.path("cohort").path("tolerance").asDouble());
            assertThat(result.path("patient").path("compared").asInt()).isPositive();
            assertThat(result.path("regression").path("patients").asInt()).isPositive();
            assertThat(result.path("regression").path("worstRelative").asDouble(1)).isLessThanOrEqualTo(1e-5);
            assertThat(result.path("requests").asInt()).isPositive();
            assertThat(result.path("leaks").asInt(-1)).isZero();
        }
    }

    /** {@code smart-app} beside {@code fhir-server} (Maven runs tests in the module directory), or -Dhomocloud.smart-app.dir. */
    private static Path smartAppDirectory() {
        Path configured = Path.of(System.getProperty("homocloud.smart-app.dir", "../smart-app")).toAbsolutePath().normalize();
        assertThat(configured.resolve("package.json")).as("the smart-app module (set -Dhomocloud.smart-app.dir)")
                .isRegularFile();
        return configured;
    }

    /** The patient whose bundle has the fewest Observations: the patient view decrypts each one. */
    private static Path patientWithFewestObservations(List<Path> files) {
        return files.stream().min(Comparator.comparingLong(f -> SyntheaBundles.parse(FhirClients.context(), f)
                .getEntry().stream().filter(e -> e.getResource() instanceof Observation).count())).orElseThrow();
    }

    /** The server-assigned id of the bundle's Patient, found by its Synthea identifier. */
    private static String serverId(IGenericClient client, Path file) {
        Patient patient = (Patient) SyntheaBundles.parse(FhirClients.context(), file).getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow().getResource();
        var identifier = patient.getIdentifierFirstRep();
        Bundle found = client.search().byUrl("Patient?identifier=" + identifier.getSystem() + "|" + identifier.getValue())
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
        return found.getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    /** The secret key as he-engine writes it (the form the app holds in memory), for the script's leak check only. */
    private static byte[] secretKeyBytes(Path keyFile) {
        CustodianKeyFile.Header header = CustodianKeyFile.readHeader(keyFile);
        CkksParameters parameters = ParameterPresets.withFingerprint(header.parametersFingerprint()).orElseThrow();
        PassphraseWrapper wrapper = new PassphraseWrapper(PASSPHRASE.toCharArray());
        try {
            var key = CustodianKeyFile.read(keyFile, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
            return new SecretKeyCodec(parameters).secretKeyToBytes(key, SecretKeyAccess.insecureSecretAccess());
        } finally {
            wrapper.destroy();
        }
    }

    private record CliResult(int code, String out, String err) {}

    private static CliResult cli(String passphrase, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = HomocloudCli.run(new CliEnvironment(Map.of(CliEnvironment.PASSPHRASE_VARIABLE, passphrase),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Optional.empty()), args);
        System.out.println("$ homocloud " + String.join(" ", args) + " -> exit " + code);
        System.out.print(err.toString(StandardCharsets.UTF_8));
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record ProcessResult(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    /** Runs the script with Node; its progress goes to this test's output as it happens. */
    private ProcessResult node(Path workingDir, Path script, Map<String, String> environment) throws Exception {
        Path out = dir.resolve("e2e.out");
        Path err = dir.resolve("e2e.err");
        ProcessBuilder builder = new ProcessBuilder("node", script.toString()).directory(workingDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(6, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("serverLaunch.mjs ran for more than 6 minutes:\n" + Files.readString(err));
        }
        String errText = Files.readString(err);
        System.out.print(errText);
        return new ProcessResult(process.exitValue(), Files.readString(out), errText);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
