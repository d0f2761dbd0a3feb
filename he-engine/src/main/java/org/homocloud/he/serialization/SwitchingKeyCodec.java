package org.homocloud.he.serialization;

import java.io.IOException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * Bare switching keys (for example from one secret to another) in the binary format; seeded keys
 * are written as their seed and the b_j only, about half the size. Body: see
 * {@link SwitchingKeyBody}.
 */
public final class SwitchingKeyCodec extends ObjectCodec<SwitchingKey> {

  private static final String WHAT = "switching key";

  public SwitchingKeyCodec(CkksParameters parameters) {
    super(parameters, ObjectType.SWITCHING_KEY);
  }

  @Override
  void writeBody(SwitchingKey key, FormatWriter out) throws IOException {
    SwitchingKeyBody.write(out, parameters(), key, WHAT);
  }

  @Override
  SwitchingKey readBody(FormatReader in) throws IOException {
    return SwitchingKeyBody.read(in, parameters(), WHAT);
  }

  @Override
  long bodySize(SwitchingKey key) {
    return SwitchingKeyBody.size(parameters(), key.seed().isPresent());
  }
}
