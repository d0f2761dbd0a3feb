package org.homocloud.fhir.keys.upload;

/** A key-set upload container is malformed (bad magic, unknown version, bad length, truncated); the message says how. */
public final class KeySetUploadException extends RuntimeException {

  public KeySetUploadException(String message) {
    super(message);
  }
}
