package org.homocloud.fhir.store;

import java.nio.file.Path;

/**
 * The child process of {@link SqliteCrashDurabilityTest}: puts blob after blob into a SQLite store
 * and prints {@code ACK <n>} once each put has returned, until it is killed.
 */
public final class DurabilityWriter {

  private DurabilityWriter() {
  }

  /** Blob n: alternately small (a ciphertext's size) and a few megabytes (streamed in chunks). */
  static int size(int n) {
    return n % 2 == 0 ? 40_000 + n : 3_000_000 + n;
  }

  static String blobId(int n) {
    return "blob-" + n;
  }

  public static void main(String[] args) {
    SqliteCiphertextStore store = new SqliteCiphertextStore(Path.of(args[0]));
    for (int n = 0; ; n++) {
      if (n % 2 == 0) {
        store.put(blobId(n), PatternStream.bytes(n, size(n)));
      } else {
        store.putStream(blobId(n), new PatternStream(n, size(n)));
      }
      System.out.println("ACK " + n);
      System.out.flush();
    }
  }
}
