package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final long memoryBudget;

  /** A gather that may hold masked terms up to half of this JVM's maximum heap (the rest: keys, the caller). */
  public Gather(Evaluator evaluator, Encoder encoder) {
    this(evaluator, encoder, Runtime.getRuntime().maxMemory() / 2);
  }

  /**
   * @param memoryBudget bytes the masked terms of one gather may take; a gather that would need more is refused
   *     before it allocates them, rather than running the JVM out of memory
   */
  Gather(Evaluator evaluator, Encoder encoder, long memoryBudget) {
    this.evaluator = evaluator;
    this.masking = new Masking(evaluator, encoder);
    this.memoryBudget = memoryBudget;
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
    checkMemory(sources, moves);
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

  /**
   * Refuses a gather whose masked terms would not fit in the budget. Each distinct (output, shift) keeps one masked
   * ciphertext until its output is combined, and each (output, shift, source) one weight vector, so moves whose
   * shifts all differ (a value per patient changing its stride, as placing patient p at slot p * blockSize) cost
   * memory in proportion to the moves, not to the outputs.
   */
  private void checkMemory(List<Ciphertext> sources, List<Move> moves) {
    Set<Long> terms = new HashSet<>();
    Set<List<Integer>> weightVectors = new HashSet<>();
    long largestTerm = 0;
    int slots = 0;
    for (Move move : moves) {
      Ciphertext ct = Inputs.get(sources, move.from().ciphertext());
      slots = 1 << ct.logSlots();
      int shift = Math.floorMod(move.from().slot() - move.to().slot(), slots);
      terms.add(((long) move.to().ciphertext() << 32) | shift);
      weightVectors.add(List.of(move.to().ciphertext(), shift, move.from().ciphertext()));
      largestTerm = Math.max(largestTerm, 2L * (ct.level() + 1) * ct.n() * Long.BYTES);
    }
    long needed = terms.size() * largestTerm + weightVectors.size() * (long) slots * Double.BYTES;
    if (needed > memoryBudget) {
      throw new HeException(String.format("this alignment needs about %.1f GB for %d masked terms (one per distinct "
          + "slot shift; %d moves), more than the %.1f GB it may use: gather fewer values at once",
          needed / 1e9, terms.size(), moves.size(), memoryBudget / 1e9));
    }
  }
}
