package org.homocloud.he.analytics;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.homocloud.he.HeException;

/**
 * The values a statistic runs over: a set of (ciphertext, slot) pairs chosen by a plaintext
 * search, with no repeats. Immutable; the count is public (the server knows what matched).
 */
public final class Cohort {

  private final SortedMap<Integer, int[]> slotsByCiphertext;
  private final int count;

  private Cohort(SortedMap<Integer, int[]> slotsByCiphertext, int count) {
    this.slotsByCiphertext = slotsByCiphertext;
    this.count = count;
  }

  /** A cohort of these values; refuses an empty selection and repeated pairs. */
  public static Cohort of(Collection<SlotRef> values) {
    if (values.isEmpty()) {
      throw new HeException("a cohort needs at least one value");
    }
    TreeMap<Integer, TreeSet<Integer>> grouped = new TreeMap<>();
    for (SlotRef ref : values) {
      if (!grouped.computeIfAbsent(ref.ciphertext(), c -> new TreeSet<>()).add(ref.slot())) {
        throw new HeException("value (" + ref.ciphertext() + ", " + ref.slot() + ") appears twice in the cohort");
      }
    }
    TreeMap<Integer, int[]> frozen = new TreeMap<>();
    grouped.forEach((c, slots) -> frozen.put(c, slots.stream().mapToInt(Integer::intValue).toArray()));
    return new Cohort(Collections.unmodifiableSortedMap(frozen), values.size());
  }

  /** Number of values (public). */
  public int count() {
    return count;
  }

  /** Selected slots (sorted) of each ciphertext that has any. */
  public SortedMap<Integer, int[]> slotsByCiphertext() {
    return slotsByCiphertext;
  }
}
