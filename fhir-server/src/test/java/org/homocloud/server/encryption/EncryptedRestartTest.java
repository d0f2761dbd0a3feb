package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server of its own: without a key set values are refused with 412, and an encrypted value written before
 * a restart still decrypts after it (the ciphertext store lives under the data directory beside H2).
 */
class EncryptedRestartTest {

    private static final String INSECURE_KEYS = "homocloud.encryption.allow-insecure-parameters-for-testing=true";

    @TempDir
    Path dataDir;

    @Test
    void valuesAreRefusedUntilAKeySetIsUploaded_andDecryptAfterARestart() {
        String observationId;
        TestKeySet keySet;
        try (RunningServer server = RunningServer.start(null, "homocloud.storage.data-dir=" + dataDir, INSECURE_KEYS)) {
            String patient = "Patient/" + server.client().create()
                    .resource(TestResources.patient(TestResources.uniqueValue())).execute().getId().getIdPart();

            assertThatThrownBy(() -> server.client().create()
                            .resource(TestResources.weight(patient, 66.6, "2024-06-01")).execute())
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining("no active key set 'default': upload one first");
            assertThat(server.client().search().forResource(Observation.class)
                    .where(Observation.SUBJECT.hasId(patient)).returnBundle(Bundle.class).execute().getEntry()).isEmpty();

            keySet = TestKeySet.register(server.bean(KeySetRegistry.class), "default");
            observationId = server.client().create().resource(TestResources.weight(patient, 66.6, "2024-06-01"))
                    .execute().getId().getIdPart();
        }

        try (RunningServer server = RunningServer.start(null, "homocloud.storage.data-dir=" + dataDir, INSECURE_KEYS)) {
            Observation observation = server.client().read().resource(Observation.class).withId(observationId).execute();

            assertThat(observation.getValueQuantity().getValue()).isNull();
            assertThat(EncryptedValueExtension.isPresent(observation.getValueQuantity())).isTrue();
            double decrypted = keySet.readValues(server.client(), observationId).get("valueQuantity");
            PrecisionStats precision = PrecisionStats.of(new double[] {66.6}, new double[] {decrypted});
            System.out.println("after restart: 66.6 decrypts to " + decrypted + ", " + precision);
            assertThat(precision.minBits()).isGreaterThanOrEqualTo(20);
        }
    }
}
