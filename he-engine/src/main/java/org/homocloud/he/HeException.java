package org.homocloud.he;

/**
 * The one exception type of the engine: invalid parameters, mismatched operands, malformed
 * serialized data. Messages say what was wrong and why, naming the offending values.
 */
public class HeException extends IllegalArgumentException {

  public HeException(String message) {
    super(message);
  }

  public HeException(String message, Throwable cause) {
    super(message, cause);
  }
}
