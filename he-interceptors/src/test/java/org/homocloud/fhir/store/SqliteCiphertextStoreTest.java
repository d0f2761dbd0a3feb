package org.homocloud.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQLite store against the store contract, plus its own durability settings. */
class SqliteCiphertextStoreTest extends CiphertextStoreContractTest {

  private Path directory() {
    return tempDir.resolve("store");
  }

  @Override
  CiphertextStore openStore() {
    return new SqliteCiphertextStore(directory());
  }

  @Override
  List<String> storeSpecForChildProcess() {
    return List.of("sqlite", tempDir.resolve("child-store").toString());
  }

  /** Closes the store (checkpointing the WAL into the file), flips a byte of the blob there, reopens. */
  @Override
  CiphertextStore flipStoredByte(CiphertextStore store, String blobId, byte[] storedBytes) throws Exception {
    store.close();
    Path file = directory().resolve(SqliteCiphertextStore.FILE_NAME);
    byte[] db = Files.readAllBytes(file);
    // 32 bytes from the middle of the ciphertext body: random, so they occur once in the file (the
    // header, with its parameter fingerprint, is shared by every ciphertext).
    int from = storedBytes.length / 2;
    byte[] needle = Arrays.copyOfRange(storedBytes, from, from + 32);
    int at = indexOf(db, needle, 0);
    assertThat(at).as("the blob's bytes in %s", file).isGreaterThanOrEqualTo(0);
    assertThat(indexOf(db, needle, at + 1)).as("a second occurrence").isEqualTo(-1);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at + 5);
      raf.write(db[at + 5] ^ 0x01);
    }
    return openStore();
  }

  private static int indexOf(byte[] haystack, byte[] needle, int start) {
    outer:
    for (int i = start; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void database_runsInWalMode() throws Exception {
    store.put("x", new byte[] {1});
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + directory().resolve(SqliteCiphertextStore.FILE_NAME));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void reopenedStore_readsWhatWasPut() {
    store.put("kept", PatternStream.bytes(5, 3_000_000));
    store.close();
    store = openStore();
    assertThat(store.get("kept")).isEqualTo(PatternStream.bytes(5, 3_000_000));
  }
}
