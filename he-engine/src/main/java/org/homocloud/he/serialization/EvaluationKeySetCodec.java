package org.homocloud.he.serialization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.RelinearizationKey;

/**
 * Evaluation key sets (what a server computes with) in the binary format. At logN 16 a set
 * reaches gigabytes, so it is written and read key by key, straight to and from the stream,
 * never as one buffer; use the stream forms for large sets.
 *
 * <p>Body: flags (u8; bit 0 set when a relinearization key follows, other bits zero), Galois
 * key count (u32, at most N), [the relinearization key's switching key body], then each Galois
 * key (element u64 + switching key body) in strictly ascending order of element.
 */
public final class EvaluationKeySetCodec extends ObjectCodec<EvaluationKeySet> {

  private static final int HAS_RELINEARIZATION_KEY = 1;

  public EvaluationKeySetCodec(CkksParameters parameters) {
    super(parameters, ObjectType.EVALUATION_KEY_SET);
  }

  @Override
  void writeBody(EvaluationKeySet keys, FormatWriter out) throws IOException {
    out.u8(keys.relinearizationKey().isPresent() ? HAS_RELINEARIZATION_KEY : 0);
    out.u32(keys.galoisKeys().size());
    if (keys.relinearizationKey().isPresent()) {
      SwitchingKeyBody.write(out, parameters(), keys.relinearizationKey().get().key(), "relinearization key");
    }
    // The key set's map is sorted by element, which is the order readers demand.
    for (GaloisKey key : keys.galoisKeys().values()) {
      GaloisKeyCodec.write(out, parameters(), key);
    }
  }

  @Override
  EvaluationKeySet readBody(FormatReader in) throws IOException {
    int flags = in.u8("evaluation key set flags");
    if ((flags & ~HAS_RELINEARIZATION_KEY) != 0) {
      throw new HeException("evaluation key set flags " + flags + " use undefined bits (only bit 0 is defined)");
    }
    long count = in.u32("Galois key count");
    long maxCount = parameters().n();
    if (count > maxCount) {
      throw new HeException("evaluation key set claims " + count
          + " Galois keys; there are only " + maxCount + " Galois elements at these parameters");
    }
    RelinearizationKey relinearizationKey = (flags & HAS_RELINEARIZATION_KEY) != 0
        ? new RelinearizationKey(SwitchingKeyBody.read(in, parameters(), "relinearization key"))
        : null;
    // Not pre-sized from the count: the list grows only as keys actually arrive.
    List<GaloisKey> galoisKeys = new ArrayList<>();
    long previous = 0;
    for (long i = 0; i < count; i++) {
      GaloisKey key = GaloisKeyCodec.read(in, parameters());
      if (key.galoisElement() <= previous) {
        throw new HeException("Galois keys must be in strictly ascending order of element: "
            + key.galoisElement() + " follows " + previous);
      }
      previous = key.galoisElement();
      galoisKeys.add(key);
    }
    return new EvaluationKeySet(relinearizationKey, galoisKeys);
  }

  @Override
  long bodySize(EvaluationKeySet keys) {
    long total = 1 + 4;
    if (keys.relinearizationKey().isPresent()) {
      total += SwitchingKeyBody.size(parameters(), keys.relinearizationKey().get().key().seed().isPresent());
    }
    for (GaloisKey key : keys.galoisKeys().values()) {
      total += GaloisKeyCodec.size(parameters(), key.key().seed().isPresent());
    }
    return total;
  }
}
