package org.homocloud.he.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.RelinearizationKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * An evaluation key set whose keys carry their own level (tag 11): the body of tag 9 with leveled
 * switching-key bodies, for keys made only as tall as they are used. A bootstrappable key set's
 * ordinary keys (relinearization, rotations by +-2^i, conjugation) are needed only up to the
 * level after a bootstrap, not over its whole chain: at logN 16 that is a sixth of the bytes.
 * Stream forms for large sets; {@link #check} validates a stream key by key, keeping none.
 *
 * <p>Body: flags u8 (bit 0: relinearization key), Galois key count u32 (at most N),
 * [relinearization key, leveled], Galois keys (element u64 + leveled body), strictly ascending.
 */
public final class LeveledEvaluationKeySetCodec extends ObjectCodec<EvaluationKeySet> {

  private static final int HAS_RELINEARIZATION_KEY = 1;

  /** What a checked stream holds. */
  public record Summary(boolean relinearizationKey, List<Long> galoisElements) {
  }

  public LeveledEvaluationKeySetCodec(CkksParameters parameters) {
    super(parameters, ObjectType.LEVELED_EVALUATION_KEY_SET);
  }

  /** Reads one set from {@code in} key by key, keeping none: the validation of a stream of gigabytes. */
  public Summary check(InputStream in) throws IOException {
    FormatReader reader = new FormatReader(in);
    Header.read(reader, ObjectType.LEVELED_EVALUATION_KEY_SET, parameters());
    List<Long> elements = new ArrayList<>();
    Relinearization relinearization = readBody(reader, false, key -> elements.add(key.galoisElement()));
    return new Summary(relinearization.present(), elements);
  }

  /** Whether the set had a relinearization key, and the key when kept. */
  private record Relinearization(boolean present, RelinearizationKey key) {
  }

  @Override
  void writeBody(EvaluationKeySet keys, FormatWriter out) throws IOException {
    out.u8(keys.relinearizationKey().isPresent() ? HAS_RELINEARIZATION_KEY : 0);
    out.u32(keys.galoisKeys().size());
    if (keys.relinearizationKey().isPresent()) {
      SwitchingKeyBody.writeLeveled(out, parameters(), keys.relinearizationKey().get().key(), "relinearization key");
    }
    LeveledGaloisKeys.write(out, parameters(), keys.galoisKeys().values());
  }

  @Override
  EvaluationKeySet readBody(FormatReader in) throws IOException {
    List<GaloisKey> galois = new ArrayList<>();
    Relinearization relinearization = readBody(in, true, galois::add);
    return new EvaluationKeySet(relinearization.key(), galois);
  }

  @Override
  long bodySize(EvaluationKeySet keys) {
    long total = 1 + 4;
    if (keys.relinearizationKey().isPresent()) {
      total += SwitchingKeyBody.leveledSize(parameters(), keys.relinearizationKey().get().key());
    }
    return total + LeveledGaloisKeys.size(parameters(), keys.galoisKeys().values());
  }

  /** Reads the body; keeps the relinearization key only when {@code keep}; hands each Galois key to {@code galois}. */
  private Relinearization readBody(FormatReader in, boolean keep, Consumer<GaloisKey> galois) throws IOException {
    int flags = in.u8("leveled evaluation key set flags");
    if ((flags & ~HAS_RELINEARIZATION_KEY) != 0) {
      throw new HeException("leveled evaluation key set flags " + flags + " use undefined bits (only bit 0 is defined)");
    }
    long count = LeveledGaloisKeys.readCount(in, parameters(), "leveled evaluation key set");
    boolean present = (flags & HAS_RELINEARIZATION_KEY) != 0;
    RelinearizationKey relinearization = null;
    if (present) {
      SwitchingKey key = SwitchingKeyBody.readLeveled(in, parameters(), "relinearization key");
      relinearization = keep ? new RelinearizationKey(key) : null;
    }
    LeveledGaloisKeys.read(in, parameters(), count, galois);
    return new Relinearization(present, relinearization);
  }
}
