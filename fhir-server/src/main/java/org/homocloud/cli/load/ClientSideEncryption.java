package org.homocloud.cli.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.StorageLevel;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.serialization.CiphertextCodec;

/**
 * Encrypts the Observation values of Bundles on the custodian's side before they are posted: every
 * {@code valueQuantity.value} and {@code component[].valueQuantity.value} across all the Bundles is packed, code
 * by code (each code's values in Bundle order), into ciphertexts of one value per slot (full slots, the server's
 * storage level, the default scale), encrypted with the secret key (seeded form: half the size of a public-key ciphertext), imported with
 * {@code $import-ciphertext}, and each decimal replaced by the encrypted-value extension naming its packing
 * group and slot. Narrative text, which would restate values, is removed; code, unit and system stay.
 */
public final class ClientSideEncryption {

    /** The server's bound on stored magnitudes (its ingest refuses larger values too). */
    public static final double MAX_MAGNITUDE = KeySetEngine.MAX_MAGNITUDE;

    private final CustodianKeys keys;
    private final CkksParameters parameters;
    private final int keySetVersion;
    private final CiphertextImporter importer;

    /** Where packed ciphertexts go; {@code $import-ciphertext} on the server, a fake in unit tests. */
    @FunctionalInterface
    public interface CiphertextImporter {

        /** Stores {@code ciphertext} holding {@code count} values in slots 0..count-1, returns its packing group id. */
        String importCiphertext(String keySetId, int keySetVersion, int count, byte[] ciphertext);

        /** The server's {@code $import-ciphertext}. */
        static CiphertextImporter of(ServerConnection connection) {
            return (keySetId, keySetVersion, count, ciphertext) -> connection
                    .importCiphertext(keySetId, keySetVersion, count, ciphertext)
                    .getParameter("group").getValue().primitiveValue();
        }
    }

    /** What one run encrypted. */
    public record Result(int values, int ciphertexts, long ciphertextBytes) {
    }

    /**
     * @param parameters the registered key-set version's parameters (their fingerprint is the key file's)
     * @param keySetVersion the registered version the ciphertexts are imported under
     */
    public ClientSideEncryption(CustodianKeys keys, CkksParameters parameters, int keySetVersion, CiphertextImporter importer) {
        this.keys = keys;
        this.parameters = parameters;
        this.keySetVersion = keySetVersion;
        this.importer = importer;
    }

    /** Rewrites {@code bundles} in place, importing their values' ciphertexts on the way. */
    public Result encrypt(List<Bundle> bundles) {
        // Grouped by code, each code's values in the order the Bundles list them (patient after patient): the
        // encrypted operations align one code's values per patient by rotation, and a code whose values sit in
        // consecutive slots moves with one shift, where values interleaved with other codes would need one
        // shift per patient (thousands of masked rotations at logN 16).
        Map<String, List<Quantity>> byCode = new LinkedHashMap<>();
        for (Bundle bundle : bundles) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Observation observation) {
                    collect(observation, byCode);
                    observation.setText(null);
                }
            }
        }
        List<Quantity> quantities = byCode.values().stream().flatMap(List::stream).toList();
        int slots = 1 << parameters.maxLogSlots();
        int level = storageLevel(parameters);
        Encoder encoder = new Encoder(parameters);
        Encryptor encryptor = Encryptor.withSecretKey(keys.secretKey());
        CiphertextCodec codec = new CiphertextCodec(parameters);
        int ciphertexts = 0;
        long bytes = 0;
        for (int start = 0; start < quantities.size(); start += slots) {
            List<Quantity> group = quantities.subList(start, Math.min(start + slots, quantities.size()));
            double[] values = new double[group.size()];
            for (int slot = 0; slot < values.length; slot++) {
                values[slot] = checked(group.get(slot));
            }
            Ciphertext ciphertext = encryptor.encrypt(
                    encoder.encode(values, null, parameters.maxLogSlots(), level, parameters.defaultScale()));
            byte[] serialized = codec.toBytes(ciphertext);
            String groupId = importer.importCiphertext(keys.keySetId(), keySetVersion, values.length, serialized);
            if (groupId == null || groupId.isBlank()) {
                throw new CliException(ExitCode.SERVER_REFUSED, "$import-ciphertext answered no packing group");
            }
            for (int slot = 0; slot < values.length; slot++) {
                EncryptedValueExtension.replaceValue(group.get(slot), new ValueLocation(keys.keySetId(), keySetVersion, groupId, slot));
            }
            ciphertexts++;
            bytes += serialized.length;
        }
        return new Result(quantities.size(), ciphertexts, bytes);
    }

    /**
     * The level the server stores values at ({@link StorageLevel}: the lowest from which it can still cut one
     * record's slots out of a packed ciphertext); encrypting right there makes the smallest upload.
     */
    public static int storageLevel(CkksParameters parameters) {
        return StorageLevel.of(parameters, MAX_MAGNITUDE);
    }

    private static void collect(Observation observation, Map<String, List<Quantity>> byCode) {
        String code = codeOf(observation.getCode());
        if (observation.hasValueQuantity() && observation.getValueQuantity().hasValue()) {
            byCode.computeIfAbsent(code, c -> new ArrayList<>()).add(observation.getValueQuantity());
        }
        for (Observation.ObservationComponentComponent component : observation.getComponent()) {
            if (component.hasValueQuantity() && component.getValueQuantity().hasValue()) {
                byCode.computeIfAbsent(code + " " + codeOf(component.getCode()), c -> new ArrayList<>())
                        .add(component.getValueQuantity());
            }
        }
    }

    private static String codeOf(CodeableConcept concept) {
        Coding coding = concept.getCodingFirstRep();
        return coding.getSystem() + "|" + coding.getCode();
    }

    private static double checked(Quantity quantity) {
        double value = quantity.getValue().doubleValue();
        if (!Double.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
            throw new CliException(ExitCode.FAILED, "value " + quantity.getValue().toPlainString()
                    + " cannot be encrypted: magnitudes above " + MAX_MAGNITUDE + " lose precision at these parameters");
        }
        return value;
    }
}
