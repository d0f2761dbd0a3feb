package org.homocloud.server.support;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.KeySetVersion;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.homocloud.server.encryption.EncryptionProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The custodian's side for tests: an INSECURE logN 10 key set generated at start-up, its public part
 * registered on the server under the configured key-set id, its secret key kept here to check values.
 */
public final class TestKeySet {

    /** Small and fast; insecure, so the test server's registry is made to accept it. */
    public static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();

    private final SecretKey secretKey;
    private final KeySetVersion version;

    private TestKeySet(SecretKey secretKey, KeySetVersion version) {
        this.secretKey = secretKey;
        this.version = version;
    }

    /** Generates a key set and registers its public key (and a relinearization key) as the custodian would. */
    public static TestKeySet register(KeySetRegistry registry, String keySetId) {
        KeyGenerator generator = new KeyGenerator(PARAMETERS.rlwe());
        SecretKey sk = generator.generateSecretKey();
        EvaluationKeySet evaluationKeys = new EvaluationKeySet(generator.generateRelinearizationKey(sk), List.of());
        KeySetVersion version = registry.register(keySetId,
                ParametersCodec.toBytes(PARAMETERS),
                new PublicKeyCodec(PARAMETERS).toBytes(generator.generatePublicKey(sk)),
                new ByteArrayInputStream(new EvaluationKeySetCodec(PARAMETERS).toBytes(evaluationKeys)));
        return new TestKeySet(sk, version);
    }

    public KeySetVersion version() {
        return version;
    }

    /** Decrypts slot 0 of a serialized ciphertext, as the custodian tool will. */
    public synchronized double decryptSlot0(byte[] ciphertext) {
        Encoder encoder = new Encoder(PARAMETERS);
        return encoder.decodeReal(new Decryptor(secretKey).decrypt(new CiphertextCodec(PARAMETERS).fromBytes(ciphertext)))[0];
    }

    /** Registers the test key set when the shared test server starts. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        public TestKeySet testKeySet(KeySetRegistry registry, EncryptionProperties encryption) {
            return register(registry, encryption.keySetId());
        }
    }
}
