package org.homocloud.fhir.keys.custody;

/**
 * The key that wraps a key file (an AWS KMS key) could not be used at all: it does not exist, the caller may not
 * use it, it is disabled or pending deletion, or the key service could not be reached. Unlike a failed
 * authentication, this says nothing about the file, so {@link CustodianKeyFile#read} passes it on as it is
 * rather than reporting a corrupted file.
 */
public final class WrappingKeyUnavailableException extends KeyFileException {

  public WrappingKeyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
