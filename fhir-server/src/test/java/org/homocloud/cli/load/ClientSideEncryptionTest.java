package org.homocloud.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;

/** Client-side encryption of Synthea Bundles, with the server's import replaced by a map of ciphertexts. */
class ClientSideEncryptionTest {

    /** INSECURE, for tests: 512 slots, so a few patients already fill more than one packing group. */
    private static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private record Imported(int count, byte[] ciphertext) {}

    @Test
    void encrypt_syntheaBundles_replacesEveryValueByItsSlot_andTheSlotsDecryptToTheSourceValues() {
        List<Path> files = SyntheaBundles.files().stream().sorted(Comparator.comparingLong(ClientSideEncryptionTest::size)).toList();
        List<Bundle> bundles = new ArrayList<>();
        List<Double> source = new ArrayList<>();
        for (Path file : files) {
            Bundle bundle = SyntheaBundles.parse(FHIR, file);
            bundles.add(bundle);
            source.addAll(values(bundle));
            if (source.size() > PARAMETERS.slots()) {
                break;
            }
        }
        CustodianKeys keys = new CustodianKeys("team-a", PARAMETERS, new KeyGenerator(PARAMETERS.rlwe()).generateSecretKey());
        Map<String, Imported> imported = new HashMap<>();
        ClientSideEncryption.CiphertextImporter importer = (keySetId, version, count, ciphertext) -> {
            assertThat(keySetId).isEqualTo("team-a");
            assertThat(version).isEqualTo(7);
            String group = "g" + imported.size();
            imported.put(group, new Imported(count, ciphertext));
            return group;
        };

        ClientSideEncryption.Result result = new ClientSideEncryption(keys, PARAMETERS, 7, importer).encrypt(bundles);

        assertThat(result.values()).isEqualTo(source.size());
        assertThat(result.ciphertexts()).isEqualTo(imported.size()).isGreaterThanOrEqualTo(2);
        Encoder encoder = new Encoder(PARAMETERS);
        Decryptor decryptor = new Decryptor(keys.secretKey());
        CiphertextCodec codec = new CiphertextCodec(PARAMETERS);
        Map<String, double[]> decrypted = new HashMap<>();
        imported.forEach((group, ct) -> {
            Ciphertext ciphertext = codec.fromBytes(ct.ciphertext());
            assertThat(ciphertext.level()).isEqualTo(ClientSideEncryption.storageLevel(PARAMETERS));
            decrypted.put(group, encoder.decodeReal(decryptor.decrypt(ciphertext)));
        });
        double[] expected = source.stream().mapToDouble(Double::doubleValue).toArray();
        double[] actual = new double[expected.length];
        int i = 0;
        for (Bundle bundle : bundles) {
            for (Quantity quantity : quantities(bundle)) {
                assertThat(quantity.getValue()).as("no decimal left").isNull();
                assertThat(quantity.getUnit()).isNotBlank();
                Extension extension = quantity.getValueElement().getExtensionByUrl(EncryptedValueExtension.URL);
                String group = extension.getExtensionByUrl("group").getValue().primitiveValue();
                int slot = ((IntegerType) extension.getExtensionByUrl("slot").getValue()).getValue();
                assertThat(extension.getExtensionByUrl("keySet").getValue().primitiveValue()).isEqualTo("team-a");
                assertThat(slot).isLessThan(imported.get(group).count());
                actual[i++] = decrypted.get(group)[slot];
            }
            bundle.getEntry().stream().filter(e -> e.getResource() instanceof Observation)
                    .forEach(e -> assertThat(((Observation) e.getResource()).hasText()).as("narrative removed").isFalse());
        }
        assertThat(i).isEqualTo(expected.length);
        PrecisionStats precision = PrecisionStats.of(expected, actual);
        System.out.printf("client-side encryption of %d Synthea values in %d ciphertexts (%d bytes, %.1f bytes/value at logN 10): %s%n",
                result.values(), result.ciphertexts(), result.ciphertextBytes(),
                (double) result.ciphertextBytes() / result.values(), precision);
        assertThat(precision.minBits()).isGreaterThan(20);
        String json = FHIR.newJsonParser().encodeResourceToString(bundles.get(0));
        assertThat(json).contains("\"_value\"").contains(EncryptedValueExtension.URL);
    }

    private static List<Double> values(Bundle bundle) {
        return quantities(bundle).stream().map(q -> q.getValue().doubleValue()).toList();
    }

    private static List<Quantity> quantities(Bundle bundle) {
        List<Quantity> quantities = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Observation observation) {
                if (observation.hasValueQuantity()) {
                    quantities.add(observation.getValueQuantity());
                }
                for (Observation.ObservationComponentComponent component : observation.getComponent()) {
                    if (component.hasValueQuantity()) {
                        quantities.add(component.getValueQuantity());
                    }
                }
            }
        }
        return quantities;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
