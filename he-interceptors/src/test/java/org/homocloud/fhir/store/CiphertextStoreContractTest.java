package org.homocloud.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.homocloud.fhir.store.CiphertextStoreException.Reason;
import org.homocloud.he.ckks.PrecisionStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link CiphertextStore} backend must do; each backend's test class supplies the store. */
abstract class CiphertextStoreContractTest {

  /** The minimum log2 precision a logN 10 ciphertext keeps through encrypt, store, read and decrypt. */
  static final double MIN_PRECISION_BITS = 20;

  @TempDir
  Path tempDir;

  CiphertextStore store;

  /** A fresh, empty store for one test. */
  abstract CiphertextStore openStore() throws Exception;

  /**
   * Flips one byte of the stored blob behind the store's back (in the database file or the object's
   * file), and returns the store to use afterwards (the same or a reopened one).
   */
  abstract CiphertextStore flipStoredByte(CiphertextStore store, String blobId, byte[] storedBytes) throws Exception;

  /**
   * How {@link SmallHeapStreamer} reaches the same backend from another JVM: {@code sqlite DIRECTORY} or
   * {@code s3 ENDPOINT IDENTITY CREDENTIAL BUCKET PREFIX}, for an empty store.
   */
  abstract List<String> storeSpecForChildProcess() throws Exception;

  /**
   * Whether replacing a blob is atomic for concurrent readers (SQLite, Amazon S3). When not (S3Proxy's
   * filesystem blob store writes an object's bytes and its metadata separately), a racing read may be
   * torn, and the store must then fail it as {@code CORRUPT}: never return wrong bytes.
   */
  boolean replacesAtomically() {
    return true;
  }

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void realCiphertext_roundTrip_decryptsWithPrecision() {
    TestCiphertexts cts = TestCiphertexts.INSECURE_LOGN10;
    double[] values = cts.values(1);
    byte[] ct = cts.encrypt(values);

    store.put("obs-1.ct", ct);
    byte[] back = store.get("obs-1.ct");

    assertThat(back).isEqualTo(ct);
    PrecisionStats precision = PrecisionStats.of(values, cts.decrypt(back));
    System.out.printf("[%s] ciphertext of %d bytes through the store: %s%n", getClass().getSimpleName(), ct.length, precision);
    assertThat(precision.minBits()).isGreaterThanOrEqualTo(MIN_PRECISION_BITS);
  }

  @Test
  void put_replacesExistingBlob_andExistsDeleteFollow() {
    store.put("a", new byte[] {1, 2, 3});
    store.put("a", new byte[] {4, 5});

    assertThat(store.get("a")).containsExactly(4, 5);
    assertThat(store.exists("a")).isTrue();
    assertThat(store.delete("a")).isTrue();
    assertThat(store.exists("a")).isFalse();
    assertThat(store.delete("a")).isFalse();
  }

  @Test
  void emptyBlob_roundTrips() {
    store.put("empty", new byte[0]);
    assertThat(store.get("empty")).isEmpty();
  }

  @Test
  void missingBlob_isAClearTypedError() {
    assertThat(store.exists("nothing-here")).isFalse();
    assertThatThrownBy(() -> store.get("nothing-here"))
        .isInstanceOfSatisfying(CiphertextStoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MISSING);
          assertThat(e.blobId()).isEqualTo("nothing-here");
        })
        .hasMessageContaining("nothing-here");
    assertThatThrownBy(() -> store.openStream("nothing-here"))
        .isInstanceOfSatisfying(CiphertextStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING));
  }

  @Test
  void badBlobId_isRejected() {
    assertThatThrownBy(() -> store.put("../escape", new byte[1])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../escape");
    assertThatThrownBy(() -> store.get(".staging")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.exists("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void corruptedBlob_isDetectedOnRead_neverReturned() throws Exception {
    TestCiphertexts cts = TestCiphertexts.INSECURE_LOGN10;
    byte[] ct = cts.encrypt(cts.values(2));
    store.put("victim", ct);
    store.put("bystander", cts.encrypt(cts.values(3)));

    store = flipStoredByte(store, "victim", ct);

    assertThatThrownBy(() -> store.get("victim"))
        .isInstanceOfSatisfying(CiphertextStoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
          assertThat(e.blobId()).isEqualTo("victim");
        })
        .hasMessageContaining("victim")
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> {
      try (InputStream in = store.openStream("victim")) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }).isInstanceOf(IOException.class)
        .hasCauseInstanceOf(CiphertextStoreException.class)
        .hasMessageContaining("victim");
    assertThat(store.get("bystander")).hasSize(ct.length);
  }

  @Test
  void concurrentWritersAndReaders_seeWholeBlobsOnly() throws Exception {
    int writers = 4;
    int blobsPerWriter = 15;
    java.util.concurrent.atomic.AtomicInteger tornReads = new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
    try {
      store.put("shared", PatternStream.bytes(-1, 70_000));
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < blobsPerWriter; i++) {
            long seed = writer * 1000L + i;
            store.put("w" + writer + "-" + i, PatternStream.bytes(seed, 20_000 + i * 997));
            // Rewrites of one shared id race with the readers below, who must see one whole version.
            store.put("shared", PatternStream.bytes(seed, 70_000));
          }
          return null;
        }));
        futures.add(pool.submit(() -> {
          for (int i = 0; i < blobsPerWriter * 2; i++) {
            byte[] shared;
            try {
              shared = store.get("shared");
            } catch (CiphertextStoreException e) {
              // A backend that does not replace atomically may tear a read; the store must then say so.
              assertThat(replacesAtomically()).as("torn read on an atomic backend: %s", e.getMessage()).isFalse();
              assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
              tornReads.incrementAndGet();
              continue;
            }
            assertThat(shared).hasSize(70_000);
            assertThat(isSomePatternVersion(shared, writers, blobsPerWriter)).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("[%s] concurrent replace of one blob: %d torn reads detected as CORRUPT%n",
        getClass().getSimpleName(), tornReads.get());
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < blobsPerWriter; i++) {
        assertThat(store.get("w" + w + "-" + i)).isEqualTo(PatternStream.bytes(w * 1000L + i, 20_000 + i * 997));
      }
    }
  }

  private static boolean isSomePatternVersion(byte[] shared, int writers, int blobsPerWriter) {
    if (java.util.Arrays.equals(shared, PatternStream.bytes(-1, 70_000))) {
      return true;
    }
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < blobsPerWriter; i++) {
        if (java.util.Arrays.equals(shared, PatternStream.bytes(w * 1000L + i, 70_000))) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void largeStreamedBlob_roundTrips_aChunkAtATime() throws Exception {
    long size = 64L << 20;
    long stored = store.putStream("evaluation-keys", new PatternStream(42, size));

    assertThat(stored).isEqualTo(size);
    MessageDigest expected = Sha256.newDigest();
    try (InputStream in = new PatternStream(42, size)) {
      digestAll(in, expected);
    }
    MessageDigest actual = Sha256.newDigest();
    long read;
    try (InputStream in = store.openStream("evaluation-keys")) {
      read = digestAll(in, actual);
    }
    assertThat(read).isEqualTo(size);
    assertThat(actual.digest()).isEqualTo(expected.digest());
  }

  @Test
  void blobLargerThanTheHeap_streamsInAndOut() throws Exception {
    long size = 64L << 20;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx40m",
        "-cp", System.getProperty("java.class.path"), SmallHeapStreamer.class.getName(), Long.toString(size)));
    command.addAll(storeSpecForChildProcess());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.printf("[%s] 64 MiB blob in a 40 MiB heap: %s%n", getClass().getSimpleName(), output.strip());
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("OK " + size + " bytes");
  }

  @Test
  void streamedPut_failingMidway_storesNothing_andKeepsThePreviousBlob() {
    byte[] previous = PatternStream.bytes(11, 50_000);
    store.put("keys", previous);
    InputStream failing = new java.io.FilterInputStream(new PatternStream(12, 40L << 20)) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read > (20L << 20)) {
          throw new IOException("client went away");
        }
        int n = super.read(b, off, len);
        read += Math.max(n, 0);
        return n;
      }
    };

    assertThatThrownBy(() -> store.putStream("keys", failing))
        .isInstanceOfSatisfying(CiphertextStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND))
        .hasMessageContaining("keys");
    assertThat(store.get("keys")).isEqualTo(previous);
  }

  @Test
  void streamedPut_ofSmallContent_roundTrips() {
    byte[] bytes = PatternStream.bytes(7, 12_345);
    assertThat(store.putStream("small", new ByteArrayInputStream(bytes))).isEqualTo(bytes.length);
    assertThat(store.get("small")).isEqualTo(bytes);
  }

  private static long digestAll(InputStream in, MessageDigest digest) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      digest.update(buffer, 0, n);
      total += n;
    }
    return total;
  }
}
