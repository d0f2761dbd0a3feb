package org.homocloud.server.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.homocloud.server.HomocloudServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * One in-process server on a random loopback port, with an H2 database in a fresh temporary directory.
 *
 * <p>Every test class that extends this shares the same Spring context (and so the same database), because
 * starting HAPI costs tens of seconds. Tests therefore make their own data distinguishable (unique
 * identifiers, their own patients) and count differences rather than absolute totals.
 */
@SpringBootTest(
        classes = HomocloudServer.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            // These tests are about FHIR behaviour; SMART authorization has its own tests (org.homocloud.server.auth).
            "homocloud.security.enabled=false",
            "homocloud.server.max-request-bytes=" + ServerTestBase.MAX_REQUEST_BYTES,
            // Observation values are encrypted at ingest under a logN 10 test key set registered at start-up.
            "homocloud.encryption.allow-insecure-parameters-for-testing=true"})
@Import(TestKeySet.Config.class)
public abstract class ServerTestBase {

    /** The shared server's log file, under {@link #dataDir()}: tests scan it for leaked values. */
    protected static final String LOG_FILE = "server.log";

    /** Small enough that a test can exceed it cheaply, large enough for the biggest Synthea bundle (3.9 MB). */
    public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    /** A client-side context, as an EHR would have; creating one is costly, so it is shared. */
    protected static final FhirContext CLIENT_CONTEXT = FhirClients.context();

    private static final Path DATA_DIR = createDataDir();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        registry.add("homocloud.storage.data-dir", DATA_DIR::toString);
    }

    /** The directory holding the shared server's H2 files and ciphertext store. */
    protected static Path dataDir() {
        return DATA_DIR;
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    protected IGenericClient client() {
        return FhirClients.client(baseUrl());
    }

    private static Path createDataDir() {
        try {
            Path dir = Files.createTempDirectory("homocloud-test-");
            // Spring Boot sets up logging before test property sources apply; a system property is seen in time.
            // Servers this JVM starts later (RunningServer) log there too.
            System.setProperty("logging.file.name", dir.resolve(LOG_FILE).toString());
            // The database files hold the Synthea load (tens of MB); do not leave them in /tmp.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(dir.toFile())));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
