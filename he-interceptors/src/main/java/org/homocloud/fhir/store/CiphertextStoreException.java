package org.homocloud.fhir.store;

/** A ciphertext store could not return or keep a blob; the message names the blob and why. */
public final class CiphertextStoreException extends RuntimeException {

  /** Why an operation on a blob failed. */
  public enum Reason {
    /** No blob is stored under the id. */
    MISSING,
    /** The stored bytes do not match the SHA-256 (or length) recorded with them. */
    CORRUPT,
    /** The backend failed (I/O, database, network); the blob's state is as before the call. */
    BACKEND
  }

  private final String blobId;
  private final Reason reason;

  public CiphertextStoreException(String blobId, Reason reason, String message) {
    this(blobId, reason, message, null);
  }

  public CiphertextStoreException(String blobId, Reason reason, String message, Throwable cause) {
    super("blob '" + blobId + "': " + message, cause);
    this.blobId = blobId;
    this.reason = reason;
  }

  static CiphertextStoreException missing(String blobId) {
    return new CiphertextStoreException(blobId, Reason.MISSING, "not found");
  }

  public String blobId() {
    return blobId;
  }

  public Reason reason() {
    return reason;
  }
}
