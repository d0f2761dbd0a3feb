package org.homocloud.fhir.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.homocloud.fhir.store.CiphertextStoreException.Reason;

/**
 * The embedded default {@link CiphertextStore}: one SQLite database file in a configurable directory.
 *
 * <p>Durability: the database runs in WAL mode with {@code synchronous=FULL}, so a commit is fsynced
 * to the write-ahead log before {@code put} returns, and each put is one transaction (all of a blob or
 * none of it). Writers are serialized on one connection (SQLite allows one writer at a time anyway);
 * every read opens its own connection and transaction, so readers see a consistent snapshot and
 * neither wait for writers nor block them.
 *
 * <p>Layout: table {@code blobs(id, sha256, length, chunk_size, created)} holds one row per blob and
 * {@code blob_chunks(blob_id, seq, bytes)} its bytes in chunks of {@value #CHUNK_SIZE} bytes, so a
 * blob of gigabytes is written and read a chunk at a time, never held whole in memory, and no row
 * nears SQLite's one-gigabyte value limit. A put is still one transaction, so a blob of N bytes grows
 * the WAL by about N until the next checkpoint (SQLite's automatic one, or {@link #close}).
 */
public final class SqliteCiphertextStore implements CiphertextStore {

  /** Bytes per chunk row: large enough that per-row overhead is negligible, small enough to stream. */
  public static final int CHUNK_SIZE = 1 << 20;

  /** The database file's name inside the store's directory. */
  public static final String FILE_NAME = "ciphertexts.sqlite";

  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  private final String url;
  private final Path file;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Connection writer;
  private volatile boolean closed;

  /** Opens (creating if needed) the store in {@code directory}. */
  public SqliteCiphertextStore(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create ciphertext store directory " + directory, e);
    }
    this.file = directory.resolve(FILE_NAME);
    this.url = "jdbc:sqlite:" + file.toAbsolutePath();
    try {
      writer = open();
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("CREATE TABLE IF NOT EXISTS blobs ("
            + " id TEXT PRIMARY KEY,"
            + " sha256 BLOB NOT NULL,"
            + " length INTEGER NOT NULL,"
            + " chunk_size INTEGER NOT NULL,"
            + " created INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS blob_chunks ("
            + " blob_id TEXT NOT NULL,"
            + " seq INTEGER NOT NULL,"
            + " bytes BLOB NOT NULL,"
            + " PRIMARY KEY (blob_id, seq))");
      }
      writer.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open ciphertext store " + file + ": " + e.getMessage(), e);
    }
  }

  /** The database file, for operators and tests. */
  public Path file() {
    return file;
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
      s.execute("PRAGMA synchronous=FULL");
    }
    return c;
  }

  @Override
  public void put(String blobId, byte[] bytes) {
    putStream(blobId, new ByteArrayInputStream(bytes));
  }

  @Override
  public long putStream(String blobId, InputStream content) {
    CiphertextStore.checkBlobId(blobId);
    checkOpen();
    writeLock.lock();
    try {
      try {
        long length = writeChunks(blobId, content);
        writer.commit();
        return length;
      } catch (SQLException | IOException | RuntimeException e) {
        rollbackQuietly(e);
        throw new CiphertextStoreException(blobId, Reason.BACKEND, "put failed, nothing stored: " + e.getMessage(), e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private long writeChunks(String blobId, InputStream content) throws SQLException, IOException {
    try (PreparedStatement deleteChunks = writer.prepareStatement("DELETE FROM blob_chunks WHERE blob_id = ?");
         PreparedStatement deleteBlob = writer.prepareStatement("DELETE FROM blobs WHERE id = ?")) {
      deleteChunks.setString(1, blobId);
      deleteChunks.executeUpdate();
      deleteBlob.setString(1, blobId);
      deleteBlob.executeUpdate();
    }
    MessageDigest digest = Sha256.newDigest();
    long length = 0;
    byte[] chunk = new byte[CHUNK_SIZE];
    try (PreparedStatement insertChunk = writer.prepareStatement(
        "INSERT INTO blob_chunks (blob_id, seq, bytes) VALUES (?, ?, ?)")) {
      for (int seq = 0; ; seq++) {
        int n = Streams.readFully(content, chunk);
        if (n == 0) {
          break;
        }
        digest.update(chunk, 0, n);
        length += n;
        insertChunk.setString(1, blobId);
        insertChunk.setInt(2, seq);
        insertChunk.setBytes(3, n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
        insertChunk.executeUpdate();
        if (n < chunk.length) {
          break;
        }
      }
    }
    try (PreparedStatement insertBlob = writer.prepareStatement(
        "INSERT INTO blobs (id, sha256, length, chunk_size, created) VALUES (?, ?, ?, ?, ?)")) {
      insertBlob.setString(1, blobId);
      insertBlob.setBytes(2, digest.digest());
      insertBlob.setLong(3, length);
      insertBlob.setInt(4, CHUNK_SIZE);
      insertBlob.setLong(5, System.currentTimeMillis());
      insertBlob.executeUpdate();
    }
    return length;
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public byte[] get(String blobId) {
    try (InputStream in = openStream(blobId)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw unwrap(blobId, e);
    }
  }

  @Override
  public InputStream openStream(String blobId) {
    CiphertextStore.checkBlobId(blobId);
    checkOpen();
    Connection reader = null;
    try {
      reader = open();
      reader.setAutoCommit(false);  // one read transaction: a snapshot across all chunk reads
      byte[] sha256;
      long length;
      try (PreparedStatement q = reader.prepareStatement("SELECT sha256, length FROM blobs WHERE id = ?")) {
        q.setString(1, blobId);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            throw CiphertextStoreException.missing(blobId);
          }
          sha256 = rs.getBytes(1);
          length = rs.getLong(2);
        }
      }
      PreparedStatement chunks = reader.prepareStatement(
          "SELECT bytes FROM blob_chunks WHERE blob_id = ? ORDER BY seq");
      chunks.setString(1, blobId);
      ResultSet rs = chunks.executeQuery();
      return new VerifyingInputStream(blobId, new ChunkInputStream(reader, chunks, rs), sha256, length);
    } catch (SQLException e) {
      closeQuietly(reader);
      throw new CiphertextStoreException(blobId, Reason.BACKEND, "read failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
  }

  @Override
  public boolean exists(String blobId) {
    CiphertextStore.checkBlobId(blobId);
    checkOpen();
    try (Connection reader = open();
         PreparedStatement q = reader.prepareStatement("SELECT 1 FROM blobs WHERE id = ?")) {
      q.setString(1, blobId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new CiphertextStoreException(blobId, Reason.BACKEND, "exists failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String blobId) {
    CiphertextStore.checkBlobId(blobId);
    checkOpen();
    writeLock.lock();
    try (PreparedStatement deleteChunks = writer.prepareStatement("DELETE FROM blob_chunks WHERE blob_id = ?");
         PreparedStatement deleteBlob = writer.prepareStatement("DELETE FROM blobs WHERE id = ?")) {
      deleteChunks.setString(1, blobId);
      deleteChunks.executeUpdate();
      deleteBlob.setString(1, blobId);
      boolean existed = deleteBlob.executeUpdate() > 0;
      writer.commit();
      return existed;
    } catch (SQLException e) {
      rollbackQuietly(e);
      throw new CiphertextStoreException(blobId, Reason.BACKEND, "delete failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Checkpoints the write-ahead log into the database file and closes the writer. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try (Statement s = writer.createStatement()) {
        writer.commit();
        writer.setAutoCommit(true);
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (SQLException e) {
        // The WAL stays and is replayed on the next open; nothing acknowledged is lost.
      }
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("ciphertext store " + file + " is closed");
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a read connection: nothing to keep
      }
    }
  }

  static CiphertextStoreException unwrap(String blobId, IOException e) {
    if (e.getCause() instanceof CiphertextStoreException cse) {
      return cse;
    }
    return new CiphertextStoreException(blobId, Reason.BACKEND, "read failed: " + e.getMessage(), e);
  }

  /** The chunk rows of one blob as a stream; owns the read connection and closes it at the end. */
  private static final class ChunkInputStream extends InputStream {
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private byte[] current = new byte[0];
    private int position;
    private boolean done;

    ChunkInputStream(Connection connection, PreparedStatement statement, ResultSet rows) {
      this.connection = connection;
      this.statement = statement;
      this.rows = rows;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (position == current.length) {
        if (done || !advance()) {
          return -1;
        }
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(current, position, buffer, offset, n);
      position += n;
      return n;
    }

    private boolean advance() throws IOException {
      try {
        if (!rows.next()) {
          done = true;
          close();
          return false;
        }
        current = rows.getBytes(1);
        position = 0;
        return true;
      } catch (SQLException e) {
        throw new IOException("reading chunk rows failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        rows.close();
        statement.close();
        connection.rollback();
      } catch (SQLException ignored) {
        // a read-only transaction: nothing to undo
      } finally {
        closeQuietly(connection);
      }
    }
  }
}
