package org.homocloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.synthea.SyntheaBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a server with SMART authorization on, as `./homocloud serve` runs by default: it
 * authenticates as the local command-line client the server registered in its data directory (Backend
 * Services, private_key_jwt), and without that client's key it is refused with 401.
 */
class SecuredServerCliTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void theLocalCommandLineClient_createsUploadsLoadsAndDecrypts_andNoKeyMeans401() throws Exception {
        Path dataDir = dir.resolve("data");
        try (RunningServer server = RunningServer.start(null, "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.allow-insecure-parameters-for-testing=true")) {
            String base = server.baseUrl();
            Path key = dir.resolve("team.key");
            CliRun created = CliRun.of(PASSPHRASE, "keys", "create", "--key", key.toString(), "--preset",
                    "insecureForTestingLogN10", "--server", base, "--data-dir", dataDir.toString(), "--upload");
            assertThat(created.exitCode()).as(created.err()).isZero();

            Path bundle = SyntheaBundles.files().stream().min(Comparator.comparingLong(SecuredServerCliTest::size))
                    .orElseThrow();
            CliRun loaded = CliRun.of(null, "load", "--server", base, "--data-dir", dataDir.toString(), "--json",
                    bundle.toString());
            assertThat(loaded.exitCode()).as(loaded.err()).isZero();

            CliRun refused = CliRun.of(null, "load", "--server", base, "--data-dir", dir.resolve("elsewhere").toString(),
                    bundle.toString());
            assertThat(refused.exitCode()).isEqualTo(CliException.ExitCode.SERVER_REFUSED.code());
            assertThat(refused.err()).contains("401");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
