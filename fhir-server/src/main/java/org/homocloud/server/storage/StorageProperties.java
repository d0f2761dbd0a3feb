package org.homocloud.server.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where HAPI's own tables live ({@code homocloud.storage.*}).
 *
 * @param database which database holds HAPI's tables: the embedded H2 file or a PostgreSQL server
 * @param dataDir directory for the embedded database (and, later, the ciphertext store); created on start
 * @param url JDBC URL of the PostgreSQL server; read only when {@code database} is {@code postgres}
 * @param username database user for PostgreSQL
 * @param password database password for PostgreSQL
 * @param maxPoolSize upper bound on pooled JDBC connections
 */
@ConfigurationProperties("homocloud.storage")
public record StorageProperties(
        @DefaultValue("h2") Database database,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("") String url,
        @DefaultValue("") String username,
        @DefaultValue("") String password,
        @DefaultValue("10") int maxPoolSize) {

    /** The databases HAPI's tables may live on, each with the HAPI dialect that knows its SQL. */
    public enum Database {
        H2("org.h2.Driver", "ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect"),
        POSTGRES("org.postgresql.Driver", "ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect");

        private final String driverClassName;
        private final String hibernateDialect;

        Database(String driverClassName, String hibernateDialect) {
            this.driverClassName = driverClassName;
            this.hibernateDialect = hibernateDialect;
        }

        public String driverClassName() {
            return driverClassName;
        }

        public String hibernateDialect() {
            return hibernateDialect;
        }
    }

    public StorageProperties {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException(
                    "homocloud.storage.max-pool-size must be at least 1, was " + maxPoolSize);
        }
        if (database == Database.POSTGRES && url.isBlank()) {
            throw new IllegalArgumentException(
                    "homocloud.storage.url is required when homocloud.storage.database is postgres");
        }
    }

    /** The JDBC URL to connect to: the configured one for PostgreSQL, a file under {@code dataDir} for H2. */
    public String jdbcUrl() {
        if (database == Database.POSTGRES) {
            return url;
        }
        // H2 keeps a lock file beside the database; a second server on the same directory fails fast.
        // WRITE_DELAY=0: H2 otherwise writes committed transactions to its file up to 500 ms later, so a
        // kill -9 would lose writes already acknowledged (CrashDuringBulkLoadTest caught it).
        // async: H2's default file channel is closed by Java when a thread is interrupted mid-I/O (Spring and
        // HAPI interrupt their workers on shutdown and cancel), and H2 then closes the whole database for the
        // JVM; the asynchronous channel waits the I/O out and hands the interrupt back
        // (EmbeddedDatabaseInterruptTest).
        return "jdbc:h2:async:" + dataDir.toAbsolutePath().normalize().resolve("h2").resolve("hapi") + ";WRITE_DELAY=0";
    }
}
