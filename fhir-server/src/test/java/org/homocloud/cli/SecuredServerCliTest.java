package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a server with SMART authorization on, as `./homocloud serve` runs by default: it
 * authenticates as the local command-line client the server registered in its data directory (Backend
 * Services, private_key_jwt), and without that client's key it is refused with 401. The server answers every
 * result ciphertext as a Binary reference (inline limit 0; a cohort of one patient is allowed here), which
 * {@code mean}, {@code mean --async} and {@code decrypt --file} fetch as that client, and decrypt to the plaintext
 * mean of the loaded Synthea patient's values.
 */
class SecuredServerCliTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void theLocalCommandLineClient_createsUploadsLoadsAndDecrypts_andNoKeyMeans401() throws Exception {
        Path dataDir = dir.resolve("data");
        try (RunningServer server = RunningServer.start(null, "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.inline-result-limit=0",
                "homocloud.encryption.min-cohort-size=1",
                "homocloud.encryption.allow-insecure-parameters-for-testing=true")) {
            String base = server.baseUrl();
            Path key = dir.resolve("team.key");
            CliRun created = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--preset",
                    "insecureForTestingLogN10", "--server", base, "--data-dir", dataDir.toString(), "--upload");
            assertThat(created.exitCode()).as(created.err()).isZero();

            Path bundle = SyntheaBundles.files().stream().min(Comparator.comparingLong(SecuredServerCliTest::size))
                    .orElseThrow();
            CliRun loaded = CliRun.of(null, "load", "--server", base, "--data-dir", dataDir.toString(), "--json",
                    bundle.toString());
            assertThat(loaded.exitCode()).as(loaded.err()).isZero();

            CliRun refused = CliRun.of(null, "load", "--server", base, "--data-dir", dir.resolve("elsewhere").toString(),
                    bundle.toString());
            assertThat(refused.exitCode()).isEqualTo(CliException.ExitCode.SERVER_REFUSED.code());
            assertThat(refused.err()).contains("401");

            meanOfTheLoadedPatient_throughBinaryReferences(server, dataDir, key, bundle);
        }
    }

    private void meanOfTheLoadedPatient_throughBinaryReferences(RunningServer server, Path dataDir, Path key,
            Path bundlePath) throws Exception {
        Bundle bundle = FhirClients.context().newJsonParser().parseResource(Bundle.class, Files.readString(bundlePath));
        Map<String, List<Double>> byCode = new HashMap<>();
        bundle.getEntry().stream().filter(e -> e.getResource() instanceof Observation)
                .map(e -> (Observation) e.getResource())
                .filter(o -> o.hasValueQuantity() && o.getValueQuantity().hasValue())
                .forEach(o -> byCode.computeIfAbsent(o.getCode().getCodingFirstRep().getSystem() + "|"
                        + o.getCode().getCodingFirstRep().getCode(), c -> new ArrayList<>())
                        .add(o.getValueQuantity().getValue().doubleValue()));
        Map.Entry<String, List<Double>> most = byCode.entrySet().stream()
                .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        double mean = most.getValue().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        String base = server.baseUrl();

        String token = BackendServicesTokenClient.forLocalServer(dataDir, base).token().value();
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/Observation/$encrypted-mean?code=" + URLEncoder.encode(most.getKey(), StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
        assertThat(raw.body()).contains("\"valueReference\"").contains("Binary/").doesNotContain("valueBase64Binary");
        Path result = dir.resolve("mean.json");
        Files.writeString(result, raw.body());

        CliRun mean1 = CliRun.of(PASSPHRASE, "mean", "--key", key.toString(), "--server", base, "--data-dir",
                dataDir.toString(), "--code", most.getKey(), "--json");
        CliRun meanAsync = CliRun.of(PASSPHRASE, "mean", "--async", "--key", key.toString(), "--server", base,
                "--data-dir", dataDir.toString(), "--code", most.getKey(), "--json");
        CliRun fromFile = CliRun.of(PASSPHRASE, "decrypt", "--key", key.toString(), "--file", result.toString(),
                "--server", base, "--data-dir", dataDir.toString(), "--json");
        CliRun fileWithoutAccess = CliRun.of(PASSPHRASE, "decrypt", "--key", key.toString(), "--file",
                result.toString(), "--server", base, "--data-dir", dir.resolve("elsewhere").toString());

        assertThat(mean1.exitCode()).as(mean1.err()).isZero();
        assertThat(meanAsync.exitCode()).as(meanAsync.err()).isZero();
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        double sync = mean1.json().get("mean").asDouble();
        double async = meanAsync.json().get("mean").asDouble();
        double file = fromFile.json().get(0).get("value").asDouble();
        System.out.printf("mean of %d values of %s through Binary references: plaintext %.6f, mean %.6f, "
                + "--async %.6f, decrypt --file %.6f (worst relative error %.2e)%n", most.getValue().size(),
                most.getKey(), mean, sync, async, file,
                Math.max(Math.abs(sync - mean), Math.max(Math.abs(async - mean), Math.abs(file - mean))) / mean);
        assertThat(Math.abs(sync - mean) / mean).isLessThan(1e-6);
        assertThat(Math.abs(async - mean) / mean).isLessThan(1e-6);
        assertThat(Math.abs(file - mean) / mean).isLessThan(1e-6);
        assertThat(mean1.json().get("count").asInt()).isEqualTo(most.getValue().size());
        assertThat(fileWithoutAccess.exitCode()).isEqualTo(CliException.ExitCode.SERVER_REFUSED.code());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
