package org.homocloud.fhir.keys;

/** The key-set registry refused an upload or could not return a key set; the message says which and why. */
public final class KeySetException extends RuntimeException {

  /** Why a registry operation failed. */
  public enum Reason {
    /** Uploaded material is malformed, insecure or made under other parameters; nothing was stored. */
    REJECTED,
    /** No such key set, or no such version of it. */
    NOT_FOUND,
    /** Stored material no longer matches its metadata record or does not parse. */
    CORRUPT,
    /** The ciphertext store failed; nothing was registered. */
    BACKEND
  }

  private final Reason reason;

  public KeySetException(Reason reason, String message) {
    this(reason, message, null);
  }

  public KeySetException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
