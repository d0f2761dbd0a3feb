package org.homocloud.he.analytics;

import java.util.Map;
import java.util.TreeMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Computes sum_s rotate(ct_s, direction * s) with rotations by powers of two only, sharing them
 * between shifts: bit by bit from the lowest, the terms whose remaining shift is odd are rotated
 * by the current power of two and merged with their even neighbour, so each stage costs one
 * rotation per distinct odd remainder instead of one per term and bit. Shifts that agree in
 * their high bits share those rotations.
 */
final class ShiftCombiner {

  private ShiftCombiner() {}

  /** Rotations used; {@code direction} is +1 (left) or -1 (right); shifts are non-negative. */
  static Ciphertext combine(Evaluator evaluator, Map<Integer, Ciphertext> byShift, int direction) {
    if (byShift.isEmpty()) {
      throw new HeException("nothing to combine");
    }
    TreeMap<Integer, Ciphertext> current = new TreeMap<>(byShift);
    if (current.firstKey() < 0) {
      throw new HeException("shifts must be non-negative: " + current.firstKey());
    }
    int unit = 1;
    while (current.size() > 1 || current.firstKey() != 0) {
      TreeMap<Integer, Ciphertext> next = new TreeMap<>();
      for (Map.Entry<Integer, Ciphertext> e : current.entrySet()) {
        int shift = e.getKey();
        Ciphertext ct = (shift & 1) == 1 ? evaluator.rotateNew(e.getValue(), direction * unit) : e.getValue();
        next.merge(shift >>> 1, ct, (a, b) -> evaluator.addNew(a, b));
      }
      current = next;
      unit <<= 1;
    }
    return current.firstEntry().getValue();
  }
}
