package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Alignment: moves values from scattered (ciphertext, slot) places into chosen places of new
 * ciphertexts, for example one vector per feature with patient p in slot p, so that features
 * and outcomes of one patient line up slot by slot.
 *
 * <p>How: the moves are grouped by output ciphertext and by shift (source slot minus target
 * slot, cyclically). All sources of one group are masked with their weights and added with a
 * single rescale (one level); then the groups of one output are rotated into place by
 * {@link ShiftCombiner}, with rotations by powers of two shared between shifts. Cost: one
 * plaintext product per (source ciphertext, output, shift) and at most about twice as many
 * rotations as distinct shifts (far fewer when shifts repeat, as when values were stored in
 * patient order). Weights let one move also scale (normalise a feature, sign a row by its label)
 * or average (weight 1/k for each of k values of one patient) at no extra level.
 * Immutable and thread-safe.
 */
public final class Gather {

  /** Put {@code weight} times the value at {@code from} into {@code to}; moves into one place add up. */
  public record Move(SlotRef from, SlotRef to, double weight) {

    public Move {
      if (!Double.isFinite(weight)) {
        throw new HeException("move weight must be finite: " + weight);
      }
    }

    public static Move of(SlotRef from, SlotRef to) {
      return new Move(from, to, 1);
    }
  }

  private final Evaluator evaluator;
  private final Masking masking;

  public Gather(Evaluator evaluator, Encoder encoder) {
    this.evaluator = evaluator;
    this.masking = new Masking(evaluator, encoder);
  }

  /**
   * Applies the moves; returns {@code outputs} ciphertexts one level below the lowest source,
   * at the first source's scale. Every output must receive at least one move; slots that receive
   * none hold about zero.
   */
  public List<Ciphertext> gather(List<Ciphertext> sources, List<Move> moves, int outputs) {
    if (moves.isEmpty()) {
      throw new HeException("nothing to gather: no moves");
    }
    if (outputs < 1) {
      throw new HeException("need at least one output ciphertext: " + outputs);
    }
    // output -> shift -> source -> weights
    Map<Integer, TreeMap<Integer, Map<Integer, double[]>>> groups = new TreeMap<>();
    Map<Integer, Ciphertext> used = new LinkedHashMap<>();
    for (Move move : moves) {
      Ciphertext ct = Inputs.get(sources, move.from().ciphertext());
      Inputs.checkSlot(ct, move.from().ciphertext(), move.from().slot());
      int slots = 1 << ct.logSlots();
      if (move.to().ciphertext() >= outputs || move.to().slot() >= slots) {
        throw new HeException("move target (" + move.to().ciphertext() + ", " + move.to().slot()
            + ") is outside " + outputs + " output ciphertexts of " + slots + " slots");
      }
      used.put(move.from().ciphertext(), ct);
      int shift = Math.floorMod(move.from().slot() - move.to().slot(), slots);
      double[] weights = groups.computeIfAbsent(move.to().ciphertext(), o -> new TreeMap<>())
          .computeIfAbsent(shift, s -> new TreeMap<>())
          .computeIfAbsent(move.from().ciphertext(), c -> new double[slots]);
      weights[move.from().slot()] += move.weight();
    }
    for (int o = 0; o < outputs; o++) {
      if (!groups.containsKey(o)) {
        throw new HeException("output ciphertext " + o + " receives no value; give fewer outputs");
      }
    }
    List<Integer> order = new ArrayList<>(used.keySet());
    List<Ciphertext> aligned = Inputs.atCommonLevel(
        evaluator, order.stream().map(used::get).toList(), 1, "an alignment");
    Map<Integer, Ciphertext> byIndex = new LinkedHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      byIndex.put(order.get(i), aligned.get(i));
    }
    double scale = aligned.get(0).scale();
    List<Ciphertext> out = new ArrayList<>(outputs);
    for (int o = 0; o < outputs; o++) {
      Map<Integer, Ciphertext> byShift = new TreeMap<>();
      for (Map.Entry<Integer, Map<Integer, double[]>> shift : groups.get(o).entrySet()) {
        List<Ciphertext> cts = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        shift.getValue().forEach((source, w) -> {
          cts.add(byIndex.get(source));
          weights.add(w);
        });
        byShift.put(shift.getKey(), masking.weightedSum(cts, weights, scale));
      }
      out.add(ShiftCombiner.combine(evaluator, byShift, 1));
    }
    return out;
  }
}
