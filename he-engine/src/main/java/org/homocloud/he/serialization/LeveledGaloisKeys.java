package org.homocloud.he.serialization;

import java.io.IOException;
import java.util.Collection;
import java.util.function.Consumer;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * The Galois keys of a leveled key set (tags 10 and 11) in the binary format: a count (u32, at most
 * N), and each key as its element (u64, odd, in [1, 2N)) followed by its leveled switching-key body
 * ({@link SwitchingKeyBody#writeLeveled}), in strictly ascending order of element. The sets place the
 * count differently (tag 11 before its relinearization key, tag 10 after it), so the count is read
 * and the keys are written by separate calls.
 */
final class LeveledGaloisKeys {

  private LeveledGaloisKeys() {}

  /** Reads the key count of {@code set} (named in the error), bounded by the N Galois elements there are. */
  static long readCount(FormatReader in, CkksParameters parameters, String set) throws IOException {
    long count = in.u32("Galois key count");
    if (count > parameters.n()) {
      throw new HeException(set + " claims " + count + " Galois keys; there are only "
          + parameters.n() + " Galois elements at these parameters");
    }
    return count;
  }

  /** Writes the keys, not their count; a key set's keys are sorted by element, the order readers demand. */
  static void write(FormatWriter out, CkksParameters parameters, Collection<GaloisKey> keys) throws IOException {
    for (GaloisKey key : keys) {
      GaloisKeyCodec.checkElement(key.galoisElement(), parameters);
      out.u64(key.galoisElement());
      SwitchingKeyBody.writeLeveled(out, parameters, key.key(), "Galois key " + key.galoisElement());
    }
  }

  /** Bytes {@link #write} takes for {@code keys}. */
  static long size(CkksParameters parameters, Collection<GaloisKey> keys) {
    long total = 0;
    for (GaloisKey key : keys) {
      total += 8 + SwitchingKeyBody.leveledSize(parameters, key.key());
    }
    return total;
  }

  /**
   * Reads {@code count} keys and hands each to {@code each} as it arrives, so that a stream check
   * can drop every key after looking at it. Each element is checked before its (large) body is read.
   */
  static void read(FormatReader in, CkksParameters parameters, long count, Consumer<GaloisKey> each)
      throws IOException {
    long previous = 0;
    for (long i = 0; i < count; i++) {
      long element = in.u64("Galois element");
      GaloisKeyCodec.checkElement(element, parameters);
      if (element <= previous) {
        throw new HeException("Galois keys must be in strictly ascending order of element: " + element
            + " follows " + previous);
      }
      previous = element;
      SwitchingKey key = SwitchingKeyBody.readLeveled(in, parameters, "Galois key " + element);
      each.accept(new GaloisKey(element, key));
    }
  }
}
