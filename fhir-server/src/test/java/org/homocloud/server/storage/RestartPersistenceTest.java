package org.homocloud.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database keeps what was written across a stop and a start on the same data directory. */
class RestartPersistenceTest {

    /** This test is about HAPI's own tables; encrypted values across a restart are EncryptedIngestTest's. */
    private static final String PLAIN = "homocloud.encryption.enabled=false";

    @TempDir
    Path dataDir;

    @Test
    void dataWrittenBeforeRestart_isReadableAfterIt() {
        String identifier = TestResources.uniqueValue();
        IIdType patientId;
        IIdType observationId;
        try (RunningServer server = RunningServer.start(null, "homocloud.storage.data-dir=" + dataDir, PLAIN)) {
            patientId = server.client().create().resource(TestResources.patient(identifier)).execute().getId()
                    .toUnqualifiedVersionless();
            observationId = server.client().create()
                    .resource(TestResources.weight(patientId.getValue(), 66.6, "2024-06-01")).execute().getId()
                    .toUnqualifiedVersionless();
        }
        assertThat(dataDir.resolve("h2")).isDirectory();
        assertThat(Files.exists(dataDir.resolve("h2").resolve("hapi.mv.db"))).isTrue();

        try (RunningServer server = RunningServer.start(null, "homocloud.storage.data-dir=" + dataDir, PLAIN)) {
            Patient patient = server.client().read().resource(Patient.class).withId(patientId).execute();
            Observation observation = server.client().read().resource(Observation.class).withId(observationId).execute();

            assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo(identifier);
            assertThat(observation.getValueQuantity().getValue().doubleValue()).isEqualTo(66.6);
            assertThat(observation.getSubject().getReference()).isEqualTo(patientId.getValue());
        }
    }
}
