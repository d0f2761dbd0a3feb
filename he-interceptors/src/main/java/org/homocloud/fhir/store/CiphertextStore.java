package org.homocloud.fhir.store;

import java.io.InputStream;

/**
 * A durable, integrity-checked home for ciphertexts and evaluation keys, addressed by blob id.
 *
 * <p><b>Durability.</b> When {@link #put} or {@link #putStream} returns, the blob is on stable storage:
 * a crash of this process or its machine right afterwards does not lose it. A put that throws, or
 * never returns, leaves either the previous blob under that id or nothing; never a partial blob.
 *
 * <p><b>Integrity.</b> Every blob is stored with the SHA-256 of its bytes and checked against it on
 * every read. A blob whose bytes no longer match, or that is absent, fails with a
 * {@link CiphertextStoreException} naming the blob and the {@link CiphertextStoreException.Reason};
 * a read never returns bytes that differ from what was put.
 *
 * <p>Implementations are safe to share between threads.
 */
public interface CiphertextStore extends AutoCloseable {

  /** Stores {@code bytes} under {@code blobId}, replacing any blob there, durably before returning. */
  void put(String blobId, byte[] bytes);

  /**
   * Stores everything {@code content} yields under {@code blobId}, durably before returning, without
   * holding the whole blob in memory; for blobs of any size, up to gigabytes. The stream is read to
   * its end but not closed.
   *
   * @return the number of bytes stored
   */
  long putStream(String blobId, InputStream content);

  /** The bytes under {@code blobId}, checked against their SHA-256. */
  byte[] get(String blobId);

  /**
   * A stream of the bytes under {@code blobId}, for blobs too large to hold in memory. The SHA-256 is
   * checked as the stream reaches its end: a mismatch makes that last read throw an
   * {@link java.io.IOException} whose cause is a {@link CiphertextStoreException}, so a caller must not
   * act on the bytes before reading to the end. A missing blob fails here, before any byte.
   */
  InputStream openStream(String blobId);

  /** Whether a blob is stored under {@code blobId} (without checking its bytes). */
  boolean exists(String blobId);

  /** Removes the blob under {@code blobId}; returns whether there was one. */
  boolean delete(String blobId);

  /** Releases connections and clients; the store is unusable afterwards. */
  @Override
  void close();

  /**
   * Checks a blob id: 1 to 200 characters from {@code [A-Za-z0-9._-]}, not starting with a dot, so it
   * is safe as an S3 key segment and a file name.
   */
  static String checkBlobId(String blobId) {
    if (blobId == null || blobId.isEmpty() || blobId.length() > 200
        || blobId.charAt(0) == '.' || !blobId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("bad blob id " + (blobId == null ? "null" : "'" + blobId + "'")
          + ": expected 1 to 200 characters of [A-Za-z0-9._-], not starting with '.'");
    }
    return blobId;
  }
}
