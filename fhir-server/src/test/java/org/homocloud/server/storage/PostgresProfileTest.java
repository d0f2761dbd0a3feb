package org.homocloud.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code postgres} profile against a real PostgreSQL server (started by {@code .ci/run} on loopback).
 *
 * <p>Connection: {@code HOMOCLOUD_TEST_PG_URL}, {@code HOMOCLOUD_TEST_PG_USER}, {@code HOMOCLOUD_TEST_PG_PASSWORD}.
 * Without a reachable server the test is skipped on a developer machine, but fails when {@code CI} is set:
 * CI must never turn green by not testing PostgreSQL.
 */
class PostgresProfileTest {

    private static final String URL = System.getenv().getOrDefault(
            "HOMOCLOUD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/homocloud");
    private static final String USER = System.getenv().getOrDefault("HOMOCLOUD_TEST_PG_USER", "homocloud");
    private static final String PASSWORD = System.getenv().getOrDefault("HOMOCLOUD_TEST_PG_PASSWORD", "homocloud");

    @BeforeAll
    static void requirePostgres() {
        String unreachable = unreachableReason();
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
        if (unreachable != null && ci) {
            throw new IllegalStateException("CI is set but PostgreSQL is not reachable at " + URL + ": " + unreachable);
        }
        assumeTrue(unreachable == null, () -> "PostgreSQL not reachable at " + URL + " (" + unreachable + ")");
    }

    @Test
    void postgresProfile_storesResourcesInPostgres_andSearchesThem() throws SQLException {
        String identifier = TestResources.uniqueValue();
        long rowsBefore = resourceRows();

        try (RunningServer server = RunningServer.start("postgres",
                "homocloud.storage.url=" + URL,
                "homocloud.storage.username=" + USER,
                "homocloud.storage.password=" + PASSWORD,
                // About HAPI's tables on PostgreSQL; the ciphertext store is tested on its own.
                "homocloud.encryption.enabled=false")) {
            IGenericClient client = server.client();
            String patientUrn = "urn:uuid:" + UUID.randomUUID();
            Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            transaction.addEntry().setFullUrl(patientUrn).setResource(TestResources.patient(identifier))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                    .setResource(TestResources.bloodPressure(patientUrn, 118, 76, "2024-04-04T08:00:00Z"))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
            client.transaction().withBundle(transaction).execute();

            Bundle found = client.search().byUrl("Observation?patient.identifier=" + TestResources.IDENTIFIER_SYSTEM
                    + "|" + identifier + "&component-code=http://loinc.org|" + TestResources.DIASTOLIC)
                    .returnBundle(Bundle.class).execute();

            assertThat(found.getEntry()).hasSize(1);
        }
        // Counted straight from PostgreSQL: proves the profile wrote there and not to an embedded database.
        assertThat(resourceRows() - rowsBefore).isEqualTo(2);
    }

    private static long resourceRows() throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD)) {
            if (!connection.getMetaData().getTables(null, null, "hfj_resource", null).next()) {
                return 0;
            }
            try (PreparedStatement statement = connection.prepareStatement("select count(*) from hfj_resource");
                    ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static String unreachableReason() {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD)) {
            return connection.isValid(5) ? null : "connection not valid";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
