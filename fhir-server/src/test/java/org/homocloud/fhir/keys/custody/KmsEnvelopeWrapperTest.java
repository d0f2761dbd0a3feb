package org.homocloud.fhir.keys.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.SecretKeyCodec;
import org.homocloud.testing.kms.FakeKms;
import org.homocloud.testing.kms.FakeKmsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Key files wrapped by an AWS KMS key (scheme 2), against the loopback {@link FakeKms} through the real SDK client:
 * the round trip at the product's logN 14, one KMS call each way, and each way the file or the KMS key can be wrong.
 */
class KmsEnvelopeWrapperTest {

    private static final SecretKeyAccess ACCESS = SecretKeyAccess.insecureSecretAccess();

    private static FakeKms fake;
    private static KmsClient kms;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = FakeKmsClients.client(fake);
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    private static String newKmsKey() {
        return kms.createKey(r -> r.description("escrow")).keyMetadata().arn();
    }

    private Path write(String name, String keySetId, String kmsKey, SecretKey secretKey, CkksParameters parameters) {
        Path file = dir.resolve(name);
        CustodianKeyFile.write(file, keySetId, secretKey, parameters,
                KmsEnvelopeWrapper.forWriting(kms, kmsKey, keySetId, parameters.fingerprint()), ACCESS);
        return file;
    }

    private static SecretKey open(Path file, CkksParameters parameters, KmsClient client) {
        return CustodianKeyFile.read(file, parameters,
                KmsEnvelopeWrapper.forOpening(client, CustodianKeyFile.readHeader(file)), ACCESS);
    }

    @Test
    void roundTrip_atLogN14_oneKmsCallEachWay_decryptsWhatThePublicKeyEncrypted() throws Exception {
        CkksParameters parameters = CkksPresets.logN14();
        KeyGenerator generator = new KeyGenerator(parameters.rlwe());
        SecretKey secretKey = generator.generateSecretKey();
        PublicKey publicKey = generator.generatePublicKey(secretKey);
        String kmsKey = newKmsKey();
        kms.createAlias(r -> r.aliasName("alias/homocloud-escrow-test").targetKeyId(kmsKey));
        int generated = fake.calls("GenerateDataKey");
        int decrypted = fake.calls("Decrypt");

        Path file = write("team.key", "team-a", "alias/homocloud-escrow-test", secretKey, parameters);
        SecretKey opened = open(file, parameters, kms);

        assertThat(fake.calls("GenerateDataKey") - generated).isEqualTo(1);
        assertThat(fake.calls("Decrypt") - decrypted).isEqualTo(1);
        CustodianKeyFile.Header header = CustodianKeyFile.readHeader(file);
        assertThat(header.scheme()).isEqualTo(KmsEnvelopeWrapper.SCHEME);
        assertThat(KmsEnvelopeWrapper.kmsKeyArnOf(header.wrappingParameters())).as("the alias resolved to the key's ARN")
                .isEqualTo(kmsKey);
        int secretBytes = new SecretKeyCodec(parameters).size();
        System.out.printf("KMS-wrapped logN 14 key file: %d bytes (secret key %d, wrapping parameters %d, GCM tag 16);"
                + " KMS calls: 1 GenerateDataKey to write, 1 Decrypt to open%n",
                Files.size(file), secretBytes, header.wrappingParameters().length);
        assertThat(secretBytes).as("why envelope: KMS Encrypt takes at most 4096 bytes").isGreaterThan(4096);
        assertThat(opened.equalsConstantTime(secretKey)).isTrue();

        Encoder encoder = new Encoder(parameters);
        double[] values = new double[parameters.slots()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 200) - 99.5;
        }
        Ciphertext ciphertext = Encryptor.withPublicKey(publicKey).encrypt(encoder.encode(values));
        double[] back = encoder.decodeReal(new Decryptor(opened).decrypt(ciphertext));
        PrecisionStats precision = PrecisionStats.of(values, back);
        System.out.println("decrypted with the opened key: " + precision);
        assertThat(precision.minBits()).isGreaterThan(30);
    }

    @Test
    void aChangedKeySetId_aChangedDataKey_orAChangedWrappedByte_failAsACorruptedFile() throws Exception {
        CkksParameters parameters = CkksPresets.insecureForTestingLogN10();
        SecretKey secretKey = new KeyGenerator(parameters.rlwe()).generateSecretKey();
        Path file = write("team.key", "team-a", newKmsKey(), secretKey, parameters);
        byte[] original = Files.readAllBytes(file);
        byte[] id = "team-a".getBytes(StandardCharsets.US_ASCII);
        int idAt = 7;
        assertThat(new String(original, idAt, id.length, StandardCharsets.US_ASCII)).isEqualTo("team-a");
        int parametersAt = idAt + id.length + 16 + 1 + 2;
        int arnLength = ((original[parametersAt] & 0xff) << 8) | (original[parametersAt + 1] & 0xff);
        int blobAt = parametersAt + 2 + arnLength + 2;

        // Another key set's name: KMS refuses the data key, whose encryption context named team-a.
        byte[] renamed = original.clone();
        renamed[idAt + 5] = 'b';
        // A flipped bit inside KMS's ciphertext blob, and one inside the locally wrapped secret key.
        byte[] blobFlipped = original.clone();
        blobFlipped[blobAt + 60] ^= 0x01;
        byte[] secretFlipped = original.clone();
        secretFlipped[original.length - 100] ^= 0x40;

        for (byte[] tampered : new byte[][] {renamed, blobFlipped, secretFlipped}) {
            Path copy = Files.write(dir.resolve("tampered.key"), tampered);
            assertThatThrownBy(() -> open(copy, parameters, kms))
                    .isInstanceOf(KeyFileException.class)
                    .isNotInstanceOf(WrappingKeyUnavailableException.class)
                    .hasMessageStartingWith("corrupted key file " + copy + ", or not wrapped by the AWS KMS key it names");
            Files.delete(copy);
        }
        assertThatThrownBy(() -> open(Files.write(dir.resolve("renamed.key"), renamed), parameters, kms))
                .hasMessageContaining("InvalidCiphertextException");
        assertThatThrownBy(() -> open(Files.write(dir.resolve("flipped.key"), secretFlipped), parameters, kms))
                .hasMessageContaining("authentication failed");
        assertThat(open(file, parameters, kms).equalsConstantTime(secretKey)).isTrue();
    }

    @Test
    void anUnknownDisabledOrRefusedKmsKey_orBadCredentials_areNamed_andWriteNothing() throws Exception {
        CkksParameters parameters = CkksPresets.insecureForTestingLogN10();
        SecretKey secretKey = new KeyGenerator(parameters.rlwe()).generateSecretKey();
        String kmsKey = newKmsKey();
        Path file = write("team.key", "team-a", kmsKey, secretKey, parameters);

        assertThatThrownBy(() -> write("unknown.key", "team-a", "alias/no-such-key", secretKey, parameters))
                .isInstanceOf(WrappingKeyUnavailableException.class)
                .hasMessage("the AWS KMS key alias/no-such-key does not exist in this account and region");
        assertThat(dir.resolve("unknown.key")).doesNotExist();

        try (KmsClient badSecret = FakeKmsClients.client(fake, AwsBasicCredentials.create(FakeKms.ACCESS_KEY_ID, "not-the-secret"))) {
            assertThatThrownBy(() -> open(file, parameters, badSecret))
                    .isInstanceOf(WrappingKeyUnavailableException.class)
                    .hasMessageContaining("AWS refused the credentials (InvalidSignatureException)");
        }

        fake.addCredentials("AKIAAUDITOR000000001", "auditor-secret");
        fake.deny("AKIAAUDITOR000000001", kmsKey, "Decrypt");
        try (KmsClient auditor = FakeKmsClients.client(fake, AwsBasicCredentials.create("AKIAAUDITOR000000001", "auditor-secret"))) {
            assertThatThrownBy(() -> open(file, parameters, auditor))
                    .isInstanceOf(WrappingKeyUnavailableException.class)
                    .hasMessageContaining("AWS KMS denied access to " + kmsKey)
                    .hasMessageContaining("kms:Decrypt");
        }

        kms.disableKey(r -> r.keyId(kmsKey));
        assertThatThrownBy(() -> open(file, parameters, kms))
                .isInstanceOf(WrappingKeyUnavailableException.class)
                .hasMessage("cannot open key file " + file + ": the AWS KMS key " + kmsKey + " is disabled");
        assertThatThrownBy(() -> write("disabled.key", "team-a", kmsKey, secretKey, parameters))
                .isInstanceOf(WrappingKeyUnavailableException.class).hasMessageContaining("is disabled");
        assertThat(dir.resolve("disabled.key")).doesNotExist();
        kms.enableKey(r -> r.keyId(kmsKey));
        assertThat(open(file, parameters, kms).equalsConstantTime(secretKey)).isTrue();
    }
}
