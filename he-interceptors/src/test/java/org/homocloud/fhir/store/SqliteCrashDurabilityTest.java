package org.homocloud.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged put survives kill -9: a child JVM writes blobs and acknowledges each, is killed in the
 * middle of further writes, and every acknowledged blob then reads back intact, while the one being
 * written at the kill is either absent or whole, never partial.
 */
class SqliteCrashDurabilityTest {

  private static final int ACKS_BEFORE_KILL = 25;

  @TempDir
  Path tempDir;

  @Test
  void acknowledgedBlobs_surviveKillDashNine_midWrite() throws Exception {
    Path directory = tempDir.resolve("store");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(javaBin.toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), DurabilityWriter.class.getName(), directory.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    int lastAck = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; lastAck < ACKS_BEFORE_KILL - 1 && (line = out.readLine()) != null; ) {
        assertThat(line).startsWith("ACK ");
        lastAck = Integer.parseInt(line.substring(4));
      }
      // Kill while the child is inside a put: the next blob is a multi-megabyte streamed one.
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(lastAck).as("acknowledged puts before the kill").isGreaterThanOrEqualTo(ACKS_BEFORE_KILL - 1);

    try (SqliteCiphertextStore store = new SqliteCiphertextStore(directory)) {
      for (int n = 0; n <= lastAck; n++) {
        assertThat(store.get(DurabilityWriter.blobId(n)))
            .as("acknowledged blob %d", n)
            .isEqualTo(PatternStream.bytes(n, DurabilityWriter.size(n)));
      }
      // Puts after the last acknowledgement this test read (acknowledgements still in the pipe are
      // dropped when the child is killed) are each either whole or absent, and only a prefix exists.
      int n = lastAck + 1;
      for (; store.exists(DurabilityWriter.blobId(n)); n++) {
        assertThat(store.get(DurabilityWriter.blobId(n))).as("unacknowledged blob %d", n)
            .isEqualTo(PatternStream.bytes(n, DurabilityWriter.size(n)));
      }
      for (int later = n + 1; later < n + 5; later++) {
        assertThat(store.exists(DurabilityWriter.blobId(later))).as("blob %d after a gap", later).isFalse();
      }
      System.out.printf("[SqliteCrashDurabilityTest] %d acknowledged blobs intact after kill -9; %d later puts committed whole%n",
          lastAck + 1, n - lastAck - 1);
    }
  }
}
