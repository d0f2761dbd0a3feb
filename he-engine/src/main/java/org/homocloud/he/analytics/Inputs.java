package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/** Checks on the stored ciphertexts an analytics call is given, with messages that say what to change. */
final class Inputs {

  private Inputs() {}

  static Ciphertext get(List<Ciphertext> stored, int index) {
    if (index >= stored.size()) {
      throw new HeException("value refers to ciphertext " + index + " but only " + stored.size() + " were given");
    }
    Ciphertext ct = stored.get(index);
    if (ct == null) {
      throw new HeException("ciphertext " + index + " is missing");
    }
    if (ct.degree() != 1) {
      throw new HeException("ciphertext " + index + " has degree " + ct.degree() + "; relinearize it first");
    }
    return ct;
  }

  static void checkSlot(Ciphertext ct, int index, int slot) {
    int slots = 1 << ct.logSlots();
    if (slot >= slots) {
      throw new HeException("slot " + slot + " of ciphertext " + index + " is out of range: it has " + slots + " slots");
    }
  }

  /** The ciphertexts, dropped to their lowest level, which must leave {@code levelsNeeded}. */
  static List<Ciphertext> atCommonLevel(Evaluator evaluator, List<Ciphertext> cts, int levelsNeeded, String what) {
    int level = Integer.MAX_VALUE;
    int logSlots = cts.get(0).logSlots();
    for (Ciphertext ct : cts) {
      level = Math.min(level, ct.level());
      if (ct.logSlots() != logSlots) {
        throw new HeException("cannot compute " + what + ": ciphertexts have different slot counts (2^"
            + ct.logSlots() + " vs 2^" + logSlots + ")");
      }
    }
    if (level < levelsNeeded) {
      throw new HeException("cannot compute " + what + ": it needs " + levelsNeeded
          + " levels but the lowest input is at level " + level);
    }
    List<Ciphertext> out = new ArrayList<>(cts.size());
    for (Ciphertext ct : cts) {
      out.add(ct.level() == level ? ct : evaluator.dropToLevelNew(ct, level));
    }
    return out;
  }
}
