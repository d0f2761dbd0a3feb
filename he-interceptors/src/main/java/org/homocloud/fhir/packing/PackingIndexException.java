package org.homocloud.fhir.packing;

/** The packing index's database failed; the message says which step. */
public final class PackingIndexException extends RuntimeException {

  public PackingIndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
