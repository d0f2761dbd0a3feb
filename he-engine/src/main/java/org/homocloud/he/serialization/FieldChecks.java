package org.homocloud.he.serialization;

import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;

/**
 * Range checks shared by readers and writers, so that nothing is written that could not be read
 * back and nothing is read that the engine could not use. Each failure names the value and the
 * allowed range.
 */
final class FieldChecks {

  private FieldChecks() {}

  static void level(int level, CkksParameters parameters, String what) {
    if (level < 0 || level > parameters.maxLevel()) {
      throw new HeException(what + " level " + level + " is out of range [0, "
          + parameters.maxLevel() + "] for these parameters");
    }
  }

  static void logSlots(int logSlots, CkksParameters parameters, String what) {
    if (logSlots < 0 || logSlots > parameters.maxLogSlots()) {
      throw new HeException(what + " logSlots " + logSlots + " is out of range [0, "
          + parameters.maxLogSlots() + "]");
    }
  }

  static void scale(double scale, String what) {
    if (!Double.isFinite(scale) || scale <= 0) {
      throw new HeException(what + " scale " + scale + " must be finite and positive");
    }
  }

  static void degree(int degree, String what) {
    if (degree < 1 || degree > SerializationFormat.MAX_CIPHERTEXT_DEGREE) {
      throw new HeException(what + " degree " + degree + " is out of range [1, "
          + SerializationFormat.MAX_CIPHERTEXT_DEGREE + "]");
    }
  }

  /** A form byte: full or seeded; anything else is malformed. */
  static boolean seeded(int form, String what) {
    if (form == SerializationFormat.FORM_FULL) {
      return false;
    }
    if (form == SerializationFormat.FORM_SEEDED) {
      return true;
    }
    throw new HeException(what + " form byte " + form + " is neither 0 (full) nor 1 (seeded)");
  }
}
