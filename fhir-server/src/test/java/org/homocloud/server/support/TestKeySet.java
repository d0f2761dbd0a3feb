package org.homocloud.server.support;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.KeySetVersion;
import org.homocloud.he.analytics.EncryptedGram;
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

    /** Generates a key set and registers its public key, relinearization and rotation keys as the custodian would. */
    public static TestKeySet register(KeySetRegistry registry, String keySetId) {
        KeyGenerator generator = new KeyGenerator(PARAMETERS.rlwe());
        SecretKey sk = generator.generateSecretKey();
        // Rotations by plus and minus powers of two, as the CLI's key sets have: rotate-and-sum (totals) and
        // alignment (moving values between slots) need them.
        List<org.homocloud.he.rlwe.GaloisKey> rotations = new java.util.ArrayList<>();
        for (int k = 1; k < PARAMETERS.n() / 2; k <<= 1) {
            rotations.add(generator.generateGaloisKey(sk, org.homocloud.he.ckks.Rotations.galoisElement(PARAMETERS.logN(), k)));
            rotations.add(generator.generateGaloisKey(sk, org.homocloud.he.ckks.Rotations.galoisElement(PARAMETERS.logN(), -k)));
        }
        EvaluationKeySet evaluationKeys = new EvaluationKeySet(generator.generateRelinearizationKey(sk), rotations);
        KeySetVersion version = registry.register(keySetId,
                ParametersCodec.toBytes(PARAMETERS),
                new PublicKeyCodec(PARAMETERS).toBytes(generator.generatePublicKey(sk)),
                new ByteArrayInputStream(new EvaluationKeySetCodec(PARAMETERS).toBytes(evaluationKeys)));
        return new TestKeySet(sk, version);
    }

    public KeySetVersion version() {
        return version;
    }

    /**
     * Encrypts {@code values} into slots 0.. of one ciphertext with the secret key (seeded, half size) at the
     * top level, as a custodian's client-side encryption would, and serializes it.
     */
    public synchronized byte[] encryptClientSide(double[] values) {
        Encoder encoder = new Encoder(PARAMETERS);
        org.homocloud.he.rlwe.Ciphertext ct = org.homocloud.he.rlwe.Encryptor.withSecretKey(secretKey).encrypt(
                encoder.encode(values, null, PARAMETERS.maxLogSlots(), PARAMETERS.maxLevel(), PARAMETERS.defaultScale()));
        return new CiphertextCodec(PARAMETERS).toBytes(ct);
    }

    /** Decrypts slot 0 of a serialized result (its own scale), as the custodian tool will. */
    public double decryptResult(byte[] ciphertext) {
        return decryptSlot(ciphertext, 0);
    }

    /** Decrypts one slot of a serialized ciphertext, as the custodian tool will. */
    public synchronized double decryptSlot(byte[] ciphertext, int slot) {
        Encoder encoder = new Encoder(PARAMETERS);
        return encoder.decodeReal(new Decryptor(secretKey).decrypt(new CiphertextCodec(PARAMETERS).fromBytes(ciphertext)))[slot];
    }

    /**
     * The Gram matrix of a linear {@code $encrypted-regression} answer, decrypted as the key holder would: entry
     * e of the upper triangle (row-major, without (0,0), which is the patient count) in ciphertext
     * e / blocksPerCiphertext at slot (e % blocksPerCiphertext) * blockSize.
     */
    public double[][] decryptGram(Parameters result) {
        int columns = ((IntegerType) result.getParameter("columns").getValue()).getValue();
        int blockSize = ((IntegerType) result.getParameter("blockSize").getValue()).getValue();
        int blocks = ((IntegerType) result.getParameter("blocksPerCiphertext").getValue()).getValue();
        List<byte[]> grams = result.getParameter().stream().filter(p -> p.getName().equals("gram"))
                .map(p -> ((Base64BinaryType) p.getValue()).getValue()).toList();
        double[][] gram = new double[columns][columns];
        gram[0][0] = ((IntegerType) result.getParameter("count").getValue()).getValue();
        for (int i = 0; i < columns; i++) {
            for (int j = i; j < columns; j++) {
                if (i == 0 && j == 0) {
                    continue;
                }
                int e = EncryptedGram.entryIndex(columns, i, j);
                gram[i][j] = decryptSlot(grams.get(e / blocks), (e % blocks) * blockSize);
                gram[j][i] = gram[i][j];
            }
        }
        return gram;
    }

    /**
     * Reads {@code Observation/id/$encrypted-value} as a record-level reader and decrypts every value in it:
     * path (e.g. {@code valueQuantity}, {@code component[1].valueQuantity}) to value.
     */
    public Map<String, Double> readValues(IGenericClient client, String observationId) {
        Parameters result = client.operation().onInstance(new IdType("Observation", observationId))
                .named("$encrypted-value").withNoParameters(Parameters.class).useHttpGet().execute();
        Map<String, Double> values = new LinkedHashMap<>();
        for (Parameters.ParametersParameterComponent value : result.getParameter()) {
            String path = part(value, "path").primitiveValue();
            int slot = ((IntegerType) part(value, "slot")).getValue();
            byte[] ciphertext = ((Base64BinaryType) part(value, "ciphertext")).getValue();
            values.put(path, decryptSlot(ciphertext, slot));
        }
        return values;
    }

    /** As {@link #readValues}, but empty for an Observation without encrypted values (no call made). */
    public Map<String, Double> readValuesIfAny(IGenericClient client, String observationId) {
        org.hl7.fhir.r4.model.Observation observation = client.read()
                .resource(org.hl7.fhir.r4.model.Observation.class).withId(observationId).execute();
        boolean encrypted = (observation.hasValueQuantity()
                        && org.homocloud.fhir.ingest.EncryptedValueExtension.isPresent(observation.getValueQuantity()))
                || observation.getComponent().stream().anyMatch(c -> c.hasValueQuantity()
                        && org.homocloud.fhir.ingest.EncryptedValueExtension.isPresent(c.getValueQuantity()));
        return encrypted ? readValues(client, observationId) : Map.of();
    }

    private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no part '" + name + "' in " + parameter.getName()))
                .getValue();
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
