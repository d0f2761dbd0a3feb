package org.homocloud.fhir.keys.custody;

/** A custodian key file could not be written or opened; the message says which file and why. */
public class KeyFileException extends RuntimeException {

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
