package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custodian's round trip through a running server: {@code keys create --upload}, {@code load --encrypt} of
 * Synthea Bundles (values encrypted here, imported with $import-ciphertext), then {@code decrypt Observation/ID}
 * of every stored Observation, compared with the source Bundles' values, and {@code decrypt --file} of an
 * {@code Observation/$encrypted-mean} result over those patients, compared with the plaintext sum and mean.
 */
class EncryptedLoadCliTest extends ServerTestBase {

    /** INSECURE, for tests: the test server allows insecure parameters. */
    private static final String TEST_PRESET = "insecureForTestingLogN10";
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void loadEncrypt_thenDecrypt_givesBackTheSourceValues() throws IOException, InterruptedException {
        String keySetId = "cli-enc-" + UUID.randomUUID().toString().substring(0, 8);
        Path key = dir.resolve("team.key");
        CliRun created = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--key-set", keySetId,
                "--preset", TEST_PRESET, "--server", baseUrl(), "--upload");
        assertThat(created.exitCode()).as(created.err()).isZero();
        List<UniquePatientBundle> bundles = SyntheaBundles.files().stream()
                .sorted(Comparator.comparingLong(EncryptedLoadCliTest::size)).limit(10) // the server's minimum cohort
                .map(f -> UniquePatientBundle.copyOf(f, dir, CLIENT_CONTEXT)).toList();

        List<String> arguments = new ArrayList<>(List.of("load", "--encrypt", "--key", key.toString(), "--server", baseUrl(), "--json"));
        bundles.forEach(bundle -> arguments.add(bundle.file().toString()));
        CliRun loaded = CliRun.of(PASSPHRASE, arguments.toArray(String[]::new));

        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        JsonNode load = loaded.json();
        int sourceValues = 0;
        List<Double> expected = new ArrayList<>();
        List<Double> actual = new ArrayList<>();
        for (UniquePatientBundle bundle : bundles) {
            Bundle source = bundle.source();
            Map<String, List<Double>> sourceByKey = valuesByKey(source.getEntry().stream()
                    .filter(e -> e.getResource() instanceof Observation).map(e -> (Observation) e.getResource()).toList());
            sourceValues += sourceByKey.values().stream().mapToInt(List::size).sum();
            List<Observation> stored = storedObservations(bundle.identifier());
            List<String> references = stored.stream().map(o -> "Observation/" + o.getIdElement().getIdPart()).toList();
            List<String> args = new ArrayList<>(List.of("decrypt", "--key", key.toString(), "--server", baseUrl(), "--json"));
            args.addAll(references);
            CliRun decrypted = CliRun.of(PASSPHRASE, args.toArray(String[]::new));
            assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
            Map<String, List<Double>> decryptedByKey = new HashMap<>();
            Map<String, Observation> byReference = new HashMap<>();
            stored.forEach(o -> byReference.put("Observation/" + o.getIdElement().getIdPart(), o));
            for (JsonNode row : decrypted.json()) {
                Observation observation = byReference.get(row.get("observation").asText());
                assertThat(row.get("keySet").asText()).isEqualTo(keySetId);
                decryptedByKey.computeIfAbsent(key(observation, row.get("path").asText()), k -> new ArrayList<>())
                        .add(row.get("value").asDouble());
            }
            assertThat(decryptedByKey.keySet()).isEqualTo(sourceByKey.keySet());
            for (Map.Entry<String, List<Double>> entry : sourceByKey.entrySet()) {
                List<Double> want = entry.getValue().stream().sorted().toList();
                List<Double> got = decryptedByKey.get(entry.getKey()).stream().sorted().toList();
                assertThat(got).hasSameSizeAs(want);
                expected.addAll(want);
                actual.addAll(got);
            }
        }
        assertThat(load.get("encryptedValues").asInt()).isEqualTo(sourceValues);
        PrecisionStats precision = PrecisionStats.of(expected.stream().mapToDouble(Double::doubleValue).toArray(),
                actual.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("load --encrypt then decrypt: %d Synthea values in %d ciphertexts (%d bytes), %s%n",
                sourceValues, load.get("ciphertexts").asInt(), load.get("ciphertextBytes").asLong(), precision);
        // Fresh ciphertexts at scale 2^40, shown rounded to 2^-20.
        assertThat(precision.minBits()).isGreaterThan(18);

        encryptedMean_ofTheLoadedPatients_decryptsToThePlaintextSumAndMean(bundles, key);
    }

    /** {@code $encrypted-mean} over the code with most values among the loaded patients, decrypted with --file. */
    private void encryptedMean_ofTheLoadedPatients_decryptsToThePlaintextSumAndMean(List<UniquePatientBundle> bundles, Path key)
            throws IOException, InterruptedException {
        Map<String, List<Double>> byCode = new HashMap<>();
        List<String> subjects = new ArrayList<>();
        Map<String, java.util.Set<String>> patientsByCode = new HashMap<>();
        for (UniquePatientBundle bundle : bundles) {
            String subject = "Patient/" + patientId(bundle.identifier());
            subjects.add(subject);
            bundle.source().getEntry().stream().filter(e -> e.getResource() instanceof Observation)
                    .map(e -> (Observation) e.getResource()).filter(o -> o.hasValueQuantity() && o.getValueQuantity().hasValue())
                    .forEach(o -> {
                        String code = o.getCode().getCodingFirstRep().getSystem() + "|" + o.getCode().getCodingFirstRep().getCode();
                        byCode.computeIfAbsent(code, k -> new ArrayList<>()).add(o.getValueQuantity().getValue().doubleValue());
                        patientsByCode.computeIfAbsent(code, k -> new java.util.HashSet<>()).add(subject);
                    });
        }
        Map.Entry<String, List<Double>> most = byCode.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        assertThat(patientsByCode.get(most.getKey())).as("a cohort at least the server's minimum size").hasSizeGreaterThanOrEqualTo(10);
        String url = baseUrl() + "/Observation/$encrypted-mean?code=" + URLEncoder.encode(most.getKey(), StandardCharsets.UTF_8)
                + "&statistic=sum,mean&subject=" + URLEncoder.encode(String.join(",", subjects), StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path result = dir.resolve("mean.json");
        Files.writeString(result, response.body());

        CliRun decrypted = CliRun.of(PASSPHRASE, "decrypt", "--key", key.toString(), "--file", result.toString(), "--json");

        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        Map<String, Double> statistics = new HashMap<>();
        decrypted.json().forEach(row -> statistics.put(row.get("result").asText(), row.get("value").asDouble()));
        double sum = most.getValue().stream().mapToDouble(Double::doubleValue).sum();
        double mean = sum / most.getValue().size();
        double sumError = Math.abs(statistics.get("statistic sum") - sum);
        double meanError = Math.abs(statistics.get("statistic mean") - mean);
        System.out.printf("$encrypted-mean of %d values of %s, decrypt --file: sum %.6f (error %.2g), mean %.6f (error %.2g, %.1f bits)%n",
                most.getValue().size(), most.getKey(), sum, sumError, mean, meanError, -Math.log(Math.max(meanError, 1e-300)) / Math.log(2));
        assertThat(sumError).isLessThan(1e-3);
        assertThat(meanError).isLessThan(1e-4);

        // The same question in one command, as a researcher's script would ask it.
        CliRun meanRun = CliRun.of(PASSPHRASE, "mean", "--key", key.toString(), "--server", baseUrl(), "--json",
                "--code", most.getKey(), "--statistic", "sum,mean,variance", "--param", "subject=" + String.join(",", subjects));
        assertThat(meanRun.exitCode()).as(meanRun.err()).isZero();
        JsonNode answer = meanRun.json();
        double variance = most.getValue().stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (most.getValue().size() - 1);
        System.out.printf("./homocloud mean: count %d, mean %.6f (plaintext %.6f), variance %.6f (plaintext %.6f)%n",
                answer.get("count").asInt(), answer.get("mean").asDouble(), mean, answer.get("variance").asDouble(), variance);
        assertThat(answer.get("count").asInt()).isEqualTo(most.getValue().size());
        assertThat(answer.get("patients").asInt()).isEqualTo(patientsByCode.get(most.getKey()).size());
        assertThat(Math.abs(answer.get("mean").asDouble() - mean)).isLessThan(1e-4);
        assertThat(Math.abs(answer.get("variance").asDouble() - variance) / variance).isLessThan(1e-4);
        assertThat(answer.get("standardDeviation").asDouble()).isCloseTo(Math.sqrt(variance),
                org.assertj.core.data.Offset.offset(1e-3));

        // The same as a server job (Prefer: respond-async), polled with progress on standard error.
        CliRun asyncRun = CliRun.of(PASSPHRASE, "mean", "--async", "--key", key.toString(), "--server", baseUrl(),
                "--json", "--code", most.getKey(), "--statistic", "sum,mean,variance", "--param",
                "subject=" + String.join(",", subjects));
        assertThat(asyncRun.exitCode()).as(asyncRun.err()).isZero();
        System.out.printf("./homocloud mean --async: mean %.6f; standard error:%n%s%n",
                asyncRun.json().get("mean").asDouble(), asyncRun.err());
        assertThat(asyncRun.err()).contains("running as a server job");
        assertThat(asyncRun.json().get("count").asInt()).isEqualTo(answer.get("count").asInt());
        assertThat(Math.abs(asyncRun.json().get("mean").asDouble() - mean)).isLessThan(1e-4);
    }

    private String patientId(Identifier identifier) {
        Bundle patients = client().search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
                .returnBundle(Bundle.class).execute();
        assertThat(patients.getEntry()).hasSize(1);
        return patients.getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    /** The stored Observations of the patient with {@code identifier}. */
    private List<Observation> storedObservations(Identifier identifier) {
        Bundle patients = client().search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
                .returnBundle(Bundle.class).execute();
        assertThat(patients.getEntry()).hasSize(1);
        String patientId = patients.getEntryFirstRep().getResource().getIdElement().getIdPart();
        Bundle page = client().search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId)).count(500).summaryMode(SummaryEnum.FALSE)
                .returnBundle(Bundle.class).execute();
        List<Observation> observations = new ArrayList<>();
        page.getEntry().forEach(e -> observations.add((Observation) e.getResource()));
        assertThat(page.getLink(Bundle.LINK_NEXT)).isNull();
        return observations.stream().filter(o -> o.hasValueQuantity() || o.getComponent().stream().anyMatch(c -> c.hasValueQuantity())).toList();
    }

    /** Source values by (code, effective time, path): how a stored Observation is matched to its source. */
    private static Map<String, List<Double>> valuesByKey(List<Observation> observations) {
        Map<String, List<Double>> values = new HashMap<>();
        for (Observation observation : observations) {
            if (observation.hasValueQuantity() && observation.getValueQuantity().hasValue()) {
                add(values, key(observation, "valueQuantity"), observation.getValueQuantity());
            }
            for (int i = 0; i < observation.getComponent().size(); i++) {
                Observation.ObservationComponentComponent component = observation.getComponent().get(i);
                if (component.hasValueQuantity() && component.getValueQuantity().hasValue()) {
                    add(values, key(observation, "component[" + i + "].valueQuantity"), component.getValueQuantity());
                }
            }
        }
        return values;
    }

    private static void add(Map<String, List<Double>> values, String key, Quantity quantity) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(quantity.getValue().doubleValue());
    }

    private static String key(Observation observation, String path) {
        return observation.getCode().getCodingFirstRep().getCode() + "|" + observation.getEffectiveDateTimeType().getValueAsString()
                + "|" + path;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
