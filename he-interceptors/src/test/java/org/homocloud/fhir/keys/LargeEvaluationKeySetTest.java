package org.homocloud.fhir.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry streams and checks an evaluation key set several times larger than the heap it runs in. */
class LargeEvaluationKeySetTest {

  static final int KEYS = 120;
  static final int HEAP_MIB = 64;
  static final String HEAP = "-Xmx" + HEAP_MIB + "m";

  @TempDir
  Path dir;

  @Test
  void evaluationKeySetOfHundredsOfMegabytes_registersInASmallHeap() throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
        "-cp", System.getProperty("java.class.path"), LargeKeySetRegistrar.class.getName(),
        dir.resolve("store").toString(), Integer.toString(KEYS))
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    String ok = output.lines().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow();
    List<String> fields = List.of(ok.split(" "));
    long bytes = Long.parseLong(fields.get(1));
    long millis = Long.parseLong(fields.get(3));
    long peakHeap = Long.parseLong(fields.get(4));
    System.out.printf("evaluation key set of %d Galois keys at logN 14: %.1f MB registered (streamed in, read back"
            + " and checked key by key) in %.1f s with %s (sum of heap pool peaks %.1f MB)%n",
        KEYS, bytes / 1e6, millis / 1e3, HEAP, peakHeap / 1e6);
    // The heap ceiling is the evidence: the set is four times larger than all the heap the child may use.
    assertThat(bytes).isGreaterThan(4L * HEAP_MIB << 20);
  }
}
