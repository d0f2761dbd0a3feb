package org.homocloud.he.serialization;

import java.io.IOException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.RelinearizationKey;

/** Relinearization keys in the binary format. Body: one switching key ({@link SwitchingKeyBody}). */
public final class RelinearizationKeyCodec extends ObjectCodec<RelinearizationKey> {

  private static final String WHAT = "relinearization key";

  public RelinearizationKeyCodec(CkksParameters parameters) {
    super(parameters, ObjectType.RELINEARIZATION_KEY);
  }

  @Override
  void writeBody(RelinearizationKey key, FormatWriter out) throws IOException {
    SwitchingKeyBody.write(out, parameters(), key.key(), WHAT);
  }

  @Override
  RelinearizationKey readBody(FormatReader in) throws IOException {
    return new RelinearizationKey(SwitchingKeyBody.read(in, parameters(), WHAT));
  }

  @Override
  long bodySize(RelinearizationKey key) {
    return SwitchingKeyBody.size(parameters(), key.key().seed().isPresent());
  }
}
