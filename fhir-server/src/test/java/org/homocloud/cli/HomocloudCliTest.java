package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.cli.keys.PublicMaterial;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code ./homocloud keys|load|decrypt} run in-process against the shared test server. */
class HomocloudCliTest extends ServerTestBase {

    /** INSECURE, for tests: the server under test allows insecure parameters, so key sets stay small and fast. */
    private static final String TEST_PRESET = "insecureForTestingLogN10";
    private static final CkksParameters TEST_PARAMETERS = CkksPresets.insecureForTestingLogN10();
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Autowired
    KeySetRegistry registry;

    private static String newKeySetId() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Path createKeySet(String keySetId, boolean upload) {
        Path key = dir.resolve(keySetId + ".key");
        CliRun run = upload
                ? CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--key-set", keySetId, "--preset", TEST_PRESET,
                        "--server", baseUrl(), "--upload")
                : CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--key-set", keySetId, "--preset", TEST_PRESET);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return key;
    }

    @Test
    void keysCreate_withUpload_writesAnOwnerOnlyKeyFile_andRegistersEveryPowerOfTwoRotation() throws IOException {
        String keySetId = newKeySetId();
        Path key = dir.resolve("team.key");

        CliRun run = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--key-set", keySetId,
                "--preset", TEST_PRESET, "--server", baseUrl(), "--upload", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        JsonNode result = run.json();
        assertThat(result.get("upload").get("keySetVersion").asInt()).isEqualTo(1);
        assertThat(result.get("publicMaterialBytes").asLong()).isEqualTo(Files.size(PublicMaterial.fileFor(key)));
        // logN 10: rotations by +-1 .. +-128 and by 256 (its own inverse), and conjugation.
        assertThat(registry.active(keySetId)).get().satisfies(v -> {
            assertThat(v.relinearizationKey()).isTrue();
            assertThat(v.galoisElements()).hasSize(18).containsAll(PublicMaterial.galoisElements(TEST_PARAMETERS));
        });
    }

    @Test
    void keysUpload_withoutTheMaterialFile_derivesItAgain_andRegistersVersionTwo() throws IOException {
        String keySetId = newKeySetId();
        Path key = createKeySet(keySetId, true);
        Files.delete(PublicMaterial.fileFor(key));

        CliRun run = CliRun.of(PASSPHRASE, "keys", "upload", "--key", key.toString(), "--key-set", keySetId, "--server", baseUrl());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("version 2");
        assertThat(registry.versions(keySetId)).hasSize(2);
    }

    @Test
    void keysUpload_wrongPassphrase_exitsWithTheKeyFileCode_andUploadsNothing() throws IOException {
        String keySetId = newKeySetId();
        Path key = createKeySet(keySetId, false);
        Files.delete(PublicMaterial.fileFor(key));

        CliRun run = CliRun.of("not the passphrase", "keys", "upload", "--key", key.toString(), "--server", baseUrl());

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.KEY_FILE.code());
        assertThat(run.err()).doesNotContain("Exception");
        assertThat(run.err().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("homocloud keys upload: wrong passphrase or corrupted key file");
        assertThat(registry.versions(keySetId)).isEmpty();
    }

    @Test
    void keysUpload_otherKeySetThanTheFiles_isRefused() {
        Path key = createKeySet(newKeySetId(), false);

        CliRun run = CliRun.of(PASSPHRASE, "keys", "upload", "--key", key.toString(), "--key-set", "someone-else", "--server", baseUrl());

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.FAILED.code());
        assertThat(run.err()).contains("belongs to key set");
    }

    @Test
    void keysCreate_existingKeyFile_isNeverOverwritten() throws IOException {
        Path key = createKeySet(newKeySetId(), false);
        byte[] before = Files.readAllBytes(key);

        CliRun run = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--preset", TEST_PRESET);

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.KEY_FILE.code());
        assertThat(run.err()).contains("exists; refusing to overwrite");
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void anyServerCommand_serverUnreachable_exitsWithTheUnreachableCode_inOneLine() {
        Path key = createKeySet(newKeySetId(), false);

        CliRun run = CliRun.of(PASSPHRASE, "keys", "upload", "--key", key.toString(), "--server", "http://127.0.0.1:1/fhir");

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.SERVER_UNREACHABLE.code());
        assertThat(run.err()).contains("cannot reach the server at http://127.0.0.1:1/fhir");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void load_plainSyntheaBundles_postsEveryResource_asAnEhrWould() {
        List<UniquePatientBundle> bundles = SyntheaBundles.files().stream().sorted(Comparator.comparingLong(HomocloudCliTest::size))
                .limit(2).map(f -> UniquePatientBundle.copyOf(f, dir, CLIENT_CONTEXT)).toList();
        int entries = bundles.stream().mapToInt(b -> b.source().getEntry().size()).sum();

        CliRun run = CliRun.of(null, "load", "--server", baseUrl(), "--json", bundles.get(0).file().toString(),
                bundles.get(1).file().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().get("resources").asInt()).isEqualTo(entries);
        assertThat(run.json().get("transactions").asInt()).isEqualTo(2);
        for (UniquePatientBundle bundle : bundles) {
            Identifier identifier = bundle.identifier();
            Bundle found = client().search().forResource(Patient.class)
                    .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
                    .returnBundle(Bundle.class).execute();
            assertThat(found.getEntry()).hasSize(1);
            String patientId = found.getEntryFirstRep().getResource().getIdElement().getIdPart();
            Bundle observations = client().search().forResource(Observation.class)
                    .where(Observation.SUBJECT.hasId("Patient/" + patientId)).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
                    .returnBundle(Bundle.class).execute();
            assertThat(observations.getTotal())
                    .isEqualTo((int) bundle.source().getEntry().stream().filter(e -> e.getResource() instanceof Observation).count());
        }
    }

    @Test
    void load_ndjson_putsResourcesUnderTheirIds_inTransactions() throws IOException {
        String patientId = "cli-ndjson-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder ndjson = new StringBuilder();
        ndjson.append("{\"resourceType\":\"Patient\",\"id\":\"").append(patientId).append("\",\"name\":[{\"family\":\"Ndjson\"}]}\n");
        for (int i = 0; i < 3; i++) {
            ndjson.append("{\"resourceType\":\"Observation\",\"id\":\"").append(patientId).append("-o").append(i)
                    .append("\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},")
                    .append("\"subject\":{\"reference\":\"Patient/").append(patientId).append("\"},")
                    .append("\"valueQuantity\":{\"value\":").append(60 + i).append(",\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}\n");
        }
        Path file = dir.resolve("export.ndjson");
        Files.writeString(file, ndjson);

        CliRun run = CliRun.of(null, "load", "--server", baseUrl(), file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 transactions, 4 resources (3 Observations)");
        assertThat(client().read().resource(Observation.class).withId(patientId + "-o2").execute().getSubject().getReference())
                .isEqualTo("Patient/" + patientId);
    }

    @Test
    void load_bundleTheServerRefuses_exitsWithTheRefusedCode_andItsDiagnostics() throws IOException {
        Path file = dir.resolve("dangling.json");
        Files.writeString(file, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/no-such-patient-" + UUID.randomUUID() + "\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}");

        CliRun run = CliRun.of(null, "load", "--server", baseUrl(), file.toString());

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.SERVER_REFUSED.code());
        assertThat(run.err()).contains("transaction 1 of 1 failed").contains("no-such-patient");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void load_notFhir_exitsWithAClearMessage() throws IOException {
        Path file = dir.resolve("notes.json");
        Files.writeString(file, "{\"hello\": 1}");

        CliRun run = CliRun.of(null, "load", "--server", baseUrl(), file.toString());

        assertThat(run.exitCode()).isEqualTo(CliException.ExitCode.FAILED.code());
        assertThat(run.err()).contains("is not a FHIR R4 JSON resource");
    }

    @Test
    void decryptFile_operationResult_decryptsSlotZeroOfEveryCiphertextPart() throws IOException {
        String keySetId = newKeySetId();
        Path key = createKeySet(keySetId, false);
        CustodianKeys keys = CustodianKeys.open(key, new CliEnvironment(
                java.util.Map.of(CliEnvironment.PASSPHRASE_VARIABLE, PASSPHRASE), System.out, System.err, java.util.Optional.empty()));
        Encoder encoder = new Encoder(TEST_PARAMETERS);
        Encryptor encryptor = Encryptor.withSecretKey(keys.secretKey());
        double mean = 97.123456;
        double variance = 3.25;
        Parameters result = new Parameters();
        result.addParameter("keySet", new StringType(keySetId));
        for (Object[] statistic : new Object[][] {{"mean", mean}, {"variance", variance}}) {
            Parameters.ParametersParameterComponent parameter = result.addParameter().setName("statistic");
            parameter.addPart().setName("name").setValue(new org.hl7.fhir.r4.model.CodeType((String) statistic[0]));
            byte[] ciphertext = new CiphertextCodec(TEST_PARAMETERS).toBytes(encryptor.encrypt(
                    encoder.encode(new double[] {(double) statistic[1]}, null, TEST_PARAMETERS.maxLogSlots(), 2,
                            TEST_PARAMETERS.defaultScale())));
            parameter.addPart().setName("ciphertext").setValue(new Base64BinaryType(ciphertext));
        }
        Path file = dir.resolve("result.json");
        Files.writeString(file, CLIENT_CONTEXT.newJsonParser().encodeResourceToString(result));

        CliRun run = CliRun.of(PASSPHRASE, "decrypt", "--key", key.toString(), "--file", file.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode rows = run.json();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("result").asText()).isEqualTo("statistic mean");
        double error = Math.max(Math.abs(rows.get(0).get("value").asDouble() - mean), Math.abs(rows.get(1).get("value").asDouble() - variance));
        System.out.printf("decrypt --file: max error %.3g (%.1f bits)%n", error, -Math.log(Math.max(error, 1e-300)) / Math.log(2));
        assertThat(rows.get(0).get("value").asDouble()).isCloseTo(mean, within(Math.scalb(1.0, -19)));
        assertThat(rows.get(1).get("value").asDouble()).isCloseTo(variance, within(Math.scalb(1.0, -19)));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
