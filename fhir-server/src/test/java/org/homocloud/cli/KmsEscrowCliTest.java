package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.homocloud.cli.keys.PublicMaterial;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.synthea.SyntheaBundles;
import org.homocloud.testing.kms.FakeKms;
import org.homocloud.testing.kms.FakeKmsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Key escrow through the command line: {@code keys create --kms-key-id} against the loopback {@link FakeKms} (real
 * SDK, SigV4), then every command that reads the key file opens it with KMS and no passphrase: {@code load
 * --encrypt} of a Synthea Bundle, {@code decrypt} of the stored values compared with the source, {@code keys
 * upload} deriving the public material again. Each way the KMS key or the file can be wrong is one line and exit 5.
 */
class KmsEscrowCliTest extends ServerTestBase {

    /** INSECURE, for tests: the test server allows insecure parameters. */
    private static final String TEST_PRESET = "insecureForTestingLogN10";

    private static FakeKms fake;
    private static KmsClient kms;

    @TempDir
    Path dir;

    @Autowired
    KeySetRegistry registry;

    @BeforeAll
    static void startKms() {
        fake = FakeKms.start();
        kms = FakeKmsClients.client(fake);
    }

    @AfterAll
    static void stopKms() {
        kms.close();
        fake.close();
    }

    /** The environment of a custodian whose AWS credentials reach the fake; no passphrase anywhere. */
    private static Map<String, String> aws() {
        return FakeKmsClients.environment(fake);
    }

    private static Map<String, String> aws(String accessKey, String secret) {
        Map<String, String> variables = new HashMap<>(aws());
        variables.put("AWS_ACCESS_KEY_ID", accessKey);
        variables.put("AWS_SECRET_ACCESS_KEY", secret);
        return variables;
    }

    private static String newKmsKey() {
        return kms.createKey(r -> r.description("homocloud escrow")).keyMetadata().arn();
    }

    private Path createKmsKeyFile(String keySetId, String kmsKeyId, boolean upload) {
        Path key = dir.resolve(keySetId + ".key");
        List<String> args = new ArrayList<>(List.of("keys", "create", "--key", key.toString(), "--key-set", keySetId,
                "--preset", TEST_PRESET, "--kms-key-id", kmsKeyId, "--kms-endpoint", fake.endpoint().toString(), "--json"));
        if (upload) {
            args.addAll(List.of("--server", baseUrl(), "--upload"));
        }
        // Credentials and region from the environment; the endpoint from the flag.
        Map<String, String> variables = new HashMap<>(aws());
        variables.remove("HOMOCLOUD_KMS_ENDPOINT");
        CliRun run = CliRun.withVariables(variables, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return key;
    }

    @Test
    void kmsWrappedKey_createUploadLoadEncryptDecrypt_givesBackTheSourceValues_withoutAPassphrase() throws IOException {
        String kmsKey = newKmsKey();
        String alias = "alias/homocloud-" + UUID.randomUUID().toString().substring(0, 8);
        kms.createAlias(r -> r.aliasName(alias).targetKeyId(kmsKey));
        String keySetId = "kms-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> before = fake.calls();

        Path key = createKmsKeyFile(keySetId, alias, true);

        assertThat(callsSince(before)).as("keys create: one GenerateDataKey, nothing else").isEqualTo(Map.of("GenerateDataKey", 1));
        assertThat(registry.active(keySetId)).isPresent();
        System.out.printf("keys create --kms-key-id: key file %d bytes (logN 10 test preset)%n", Files.size(key));

        UniquePatientBundle bundle = UniquePatientBundle.copyOf(SyntheaBundles.files().stream()
                .min(Comparator.comparingLong(KmsEscrowCliTest::size)).orElseThrow(), dir, CLIENT_CONTEXT);
        before = fake.calls();
        CliRun loaded = CliRun.withVariables(aws(), "load", "--encrypt", "--key", key.toString(), "--server", baseUrl(),
                "--json", bundle.file().toString());
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        assertThat(callsSince(before)).as("load --encrypt: one Decrypt").isEqualTo(Map.of("Decrypt", 1));

        List<Double> expected = sourceValues(bundle.source());
        List<String> args = new ArrayList<>(List.of("decrypt", "--key", key.toString(), "--server", baseUrl(), "--json"));
        storedObservations(bundle.identifier()).forEach(o -> args.add("Observation/" + o.getIdElement().getIdPart()));
        before = fake.calls();
        CliRun decrypted = CliRun.withVariables(aws(), args.toArray(String[]::new));

        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        assertThat(callsSince(before)).as("decrypt: one Decrypt").isEqualTo(Map.of("Decrypt", 1));
        List<Double> actual = new ArrayList<>();
        for (JsonNode row : decrypted.json()) {
            assertThat(row.get("keySet").asText()).isEqualTo(keySetId);
            actual.add(row.get("value").asDouble());
        }
        List<Double> want = expected.stream().sorted().toList();
        List<Double> got = actual.stream().sorted().toList();
        assertThat(got).hasSameSizeAs(want).isNotEmpty();
        PrecisionStats precision = PrecisionStats.of(want.stream().mapToDouble(Double::doubleValue).toArray(),
                got.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("KMS-wrapped key: load --encrypt then decrypt of %d Synthea values: %s%n", want.size(), precision);
        assertThat(precision.minBits()).isGreaterThan(18);

        // keys upload without KEY.keyset derives the public material again: it opens the key with KMS too.
        Files.delete(PublicMaterial.fileFor(key));
        CliRun uploaded = CliRun.withVariables(aws(), "keys", "upload", "--key", key.toString(), "--server", baseUrl());
        assertThat(uploaded.exitCode()).as(uploaded.err()).isZero();
        assertThat(registry.versions(keySetId)).hasSize(2);
    }

    @Test
    void keysCreate_unknownKmsKey_orBadCredentials_isOneLineExit5_andWritesNothing() {
        Path key = dir.resolve("nothing.key");

        CliRun unknown = CliRun.withVariables(aws(), "keys", "create", "--key", key.toString(), "--preset", TEST_PRESET,
                "--kms-key-id", "alias/no-such-key");
        CliRun badSecret = CliRun.withVariables(aws(FakeKms.ACCESS_KEY_ID, "not-the-secret"), "keys", "create",
                "--key", key.toString(), "--preset", TEST_PRESET, "--kms-key-id", newKmsKey());

        assertThat(unknown.exitCode()).isEqualTo(CliException.ExitCode.KEY_FILE.code());
        assertThat(unknown.err().strip()).isEqualTo("homocloud keys create: cannot create key file " + key
                + ": the AWS KMS key alias/no-such-key does not exist in this account and region");
        assertThat(badSecret.exitCode()).isEqualTo(CliException.ExitCode.KEY_FILE.code());
        assertThat(badSecret.err().strip()).startsWith("homocloud keys create: cannot create key file").doesNotContain("\n")
                .contains("AWS refused the credentials (InvalidSignatureException)");
        assertThat(key).doesNotExist();
        assertThat(PublicMaterial.fileFor(key)).doesNotExist();
    }

    @Test
    void decrypt_disabledKey_deniedPrincipal_badCredentials_orTamperedHeader_isOneLineExit5_andPrintsNothing()
            throws IOException {
        String kmsKey = newKmsKey();
        Path key = createKmsKeyFile("kms-neg-" + UUID.randomUUID().toString().substring(0, 8), kmsKey, false);
        Path result = dir.resolve("result.json");
        Files.writeString(result, "{\"resourceType\":\"Parameters\"}");
        String[] decrypt = {"decrypt", "--key", key.toString(), "--file", result.toString()};
        fake.addCredentials("AKIAAUDITOR000000002", "auditor-secret");
        fake.deny("AKIAAUDITOR000000002", kmsKey, "Decrypt");
        byte[] original = Files.readAllBytes(key);
        byte[] renamed = original.clone();
        renamed[7] = (byte) (renamed[7] == 'k' ? 'x' : 'k');
        Path tampered = Files.write(dir.resolve("tampered.key"), renamed);

        CliRun denied = CliRun.withVariables(aws("AKIAAUDITOR000000002", "auditor-secret"), decrypt);
        CliRun badSecret = CliRun.withVariables(aws(FakeKms.ACCESS_KEY_ID, "not-the-secret"), decrypt);
        CliRun changed = CliRun.withVariables(aws(), "decrypt", "--key", tampered.toString(), "--file", result.toString());
        kms.disableKey(r -> r.keyId(kmsKey));
        CliRun disabled = CliRun.withVariables(aws(), decrypt);
        kms.enableKey(r -> r.keyId(kmsKey));
        CliRun fine = CliRun.withVariables(aws(), decrypt);

        for (CliRun run : List.of(denied, badSecret, changed, disabled)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.ExitCode.KEY_FILE.code());
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip()).startsWith("homocloud decrypt: ").doesNotContain("\n").doesNotContain("Exception:");
        }
        assertThat(denied.err()).contains("AWS KMS denied access to " + kmsKey).contains("kms:Decrypt");
        assertThat(badSecret.err()).contains("AWS refused the credentials (InvalidSignatureException)");
        assertThat(changed.err()).contains("corrupted key file " + tampered + ", or not wrapped by the AWS KMS key it names");
        assertThat(disabled.err().strip()).isEqualTo("homocloud decrypt: cannot open key file " + key + ": the AWS KMS key "
                + kmsKey + " is disabled");
        // Re-enabled, the same key opens again: the command gets past the key to the (empty) result file.
        assertThat(fine.exitCode()).as(fine.err()).isEqualTo(CliException.ExitCode.FAILED.code());
        assertThat(fine.err()).contains("holds no 'ciphertext' parameter");
    }

    private Map<String, Integer> callsSince(Map<String, Integer> before) {
        Map<String, Integer> since = new HashMap<>();
        fake.calls().forEach((op, count) -> {
            int delta = count - before.getOrDefault(op, 0);
            if (delta != 0) {
                since.put(op, delta);
            }
        });
        return since;
    }

    private static List<Double> sourceValues(Bundle source) {
        List<Double> values = new ArrayList<>();
        source.getEntry().stream().filter(e -> e.getResource() instanceof Observation).map(e -> (Observation) e.getResource())
                .forEach(o -> {
                    if (o.hasValueQuantity() && o.getValueQuantity().hasValue()) {
                        values.add(o.getValueQuantity().getValue().doubleValue());
                    }
                    o.getComponent().stream().filter(c -> c.hasValueQuantity() && c.getValueQuantity().hasValue())
                            .forEach(c -> values.add(c.getValueQuantity().getValue().doubleValue()));
                });
        return values;
    }

    private List<Observation> storedObservations(Identifier identifier) {
        Bundle patients = client().search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
                .returnBundle(Bundle.class).execute();
        assertThat(patients.getEntry()).hasSize(1);
        String patientId = patients.getEntryFirstRep().getResource().getIdElement().getIdPart();
        Bundle page = client().search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId)).count(500).summaryMode(SummaryEnum.FALSE)
                .returnBundle(Bundle.class).execute();
        assertThat(page.getLink(Bundle.LINK_NEXT)).isNull();
        return page.getEntry().stream().map(e -> (Observation) e.getResource())
                .filter(o -> o.hasValueQuantity() || o.getComponent().stream().anyMatch(c -> c.hasValueQuantity())).toList();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
