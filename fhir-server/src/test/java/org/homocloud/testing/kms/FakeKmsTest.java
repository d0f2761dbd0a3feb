package org.homocloud.testing.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** The fake speaks KMS to the real AWS SDK v2 client: each operation, each error, and SigV4 checked both ways. */
class FakeKmsTest {

    private static FakeKms fake;
    private static KmsClient kms;

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

    private static String symmetricKey() {
        return kms.createKey(r -> r.description("test")).keyMetadata().arn();
    }

    @Test
    void encryptDecrypt_roundTrips_andTheContextMustMatch() {
        String key = symmetricKey();
        Map<String, String> context = Map.of("purpose", "test", "set", "a");
        EncryptResponse encrypted = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("hello"))
                .encryptionContext(context));

        DecryptResponse decrypted = kms.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob()).encryptionContext(context));

        assertThat(decrypted.plaintext().asUtf8String()).isEqualTo("hello");
        assertThat(decrypted.keyId()).isEqualTo(key);
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob())
                .encryptionContext(Map.of("purpose", "test", "set", "b"))))
                .isInstanceOf(InvalidCiphertextException.class);
        byte[] flipped = encrypted.ciphertextBlob().asByteArray();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(flipped)).encryptionContext(context)))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> kms.decrypt(r -> r.keyId(symmetricKey()).ciphertextBlob(encrypted.ciphertextBlob())
                .encryptionContext(context)))
                .isInstanceOf(IncorrectKeyException.class);
        assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromByteArray(new byte[4097]))))
                .isInstanceOf(KmsException.class).hasMessageContaining("4096");
    }

    @Test
    void generateDataKey_givesA256BitKey_thatDecryptGivesBack() {
        String key = symmetricKey();
        kms.createAlias(r -> r.aliasName("alias/data-key-test").targetKeyId(key));

        GenerateDataKeyResponse dataKey = kms.generateDataKey(r -> r.keyId("alias/data-key-test").keySpec(DataKeySpec.AES_256));

        assertThat(dataKey.keyId()).isEqualTo(key);
        assertThat(dataKey.plaintext().asByteArray()).hasSize(32);
        assertThat(kms.decrypt(r -> r.keyId(key).ciphertextBlob(dataKey.ciphertextBlob())).plaintext())
                .isEqualTo(dataKey.plaintext());
    }

    @Test
    void keyStates_unknownKeys_andDeniedPrincipals_failAsKmsDoes() {
        String key = symmetricKey();
        SdkBytes blob = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();

        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/nobody"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(NotFoundException.class);

        fake.addCredentials("AKIADENIED0000000001", "denied-secret");
        fake.deny("AKIADENIED0000000001", key, "Decrypt");
        try (KmsClient denied = FakeKmsClients.client(fake, AwsBasicCredentials.create("AKIADENIED0000000001", "denied-secret"))) {
            assertThatThrownBy(() -> denied.decrypt(r -> r.ciphertextBlob(blob)))
                    .isInstanceOf(KmsException.class)
                    .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"))
                    .hasMessageContaining("not authorized to perform: kms:Decrypt");
        }

        kms.disableKey(r -> r.keyId(key));
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob))).isInstanceOf(DisabledException.class);
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().enabled()).isFalse();
        kms.enableKey(r -> r.keyId(key));
        assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("x");
        kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));
        assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob))).isInstanceOf(KmsInvalidStateException.class);
    }

    @Test
    void sigV4_aWrongSecretOrAnUnknownAccessKey_isRefused() {
        String key = symmetricKey();
        try (KmsClient wrongSecret = FakeKmsClients.client(fake, AwsBasicCredentials.create(FakeKms.ACCESS_KEY_ID, "wrong"));
             KmsClient unknown = FakeKmsClients.client(fake, AwsBasicCredentials.create("AKIAUNKNOWN000000000", "x"))) {
            assertThatThrownBy(() -> wrongSecret.describeKey(r -> r.keyId(key)))
                    .isInstanceOf(KmsException.class)
                    .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
            assertThatThrownBy(() -> unknown.describeKey(r -> r.keyId(key)))
                    .isInstanceOf(KmsException.class)
                    .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
    }

    @Test
    void sign_ecdsaP384_andRsa3072_verifyWithThePublishedPublicKey() throws Exception {
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        String ec = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P384).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
        String rsa = kms.createKey(r -> r.keySpec(KeySpec.RSA_3072).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();

        PublicKey ecPublic = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                kms.getPublicKey(r -> r.keyId(ec)).publicKey().asByteArray()));
        PublicKey rsaPublic = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                kms.getPublicKey(r -> r.keyId(rsa)).publicKey().asByteArray()));

        for (MessageType type : new MessageType[] {MessageType.RAW, MessageType.DIGEST}) {
            SdkBytes input = SdkBytes.fromByteArray(type == MessageType.RAW ? message : FakeKms.sha384(message));
            byte[] ecSignature = kms.sign(r -> r.keyId(ec).message(input).messageType(type)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signature().asByteArray();
            byte[] pkcs1 = kms.sign(r -> r.keyId(rsa).message(input).messageType(type)
                    .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384)).signature().asByteArray();
            byte[] pss = kms.sign(r -> r.keyId(rsa).message(input).messageType(type)
                    .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_384)).signature().asByteArray();

            assertThat(verify("SHA384withECDSA", null, ecPublic, message, ecSignature)).as(type + " ECDSA").isTrue();
            assertThat(verify("SHA384withRSA", null, rsaPublic, message, pkcs1)).as(type + " PKCS1").isTrue();
            assertThat(verify("RSASSA-PSS", new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1),
                    rsaPublic, message, pss)).as(type + " PSS").isTrue();
            assertThat(verify("SHA384withECDSA", null, ecPublic, "other".getBytes(StandardCharsets.US_ASCII), ecSignature))
                    .isFalse();
        }
        assertThatThrownBy(() -> kms.sign(r -> r.keyId(ec).message(SdkBytes.fromByteArray(message))
                .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384)))
                .isInstanceOf(KmsException.class).hasMessageContaining("not compatible");
    }

    private static boolean verify(String algorithm, PSSParameterSpec pss, PublicKey key, byte[] message, byte[] signature)
            throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        if (pss != null) {
            verifier.setParameter(pss);
        }
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
