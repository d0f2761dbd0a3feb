package org.homocloud.he.serialization;

import java.io.IOException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.rlwe.Plaintext;

/**
 * Encoded plaintexts in the binary format.
 *
 * <p>Body: level (u8), logSlots (u8), scale (f64, finite and positive), then the polynomial over
 * limbs 0..level (NTT form, as the encoder leaves it).
 */
public final class PlaintextCodec extends ObjectCodec<Plaintext> {

  private static final String WHAT = "plaintext";

  public PlaintextCodec(CkksParameters parameters) {
    super(parameters, ObjectType.PLAINTEXT);
  }

  @Override
  void writeBody(Plaintext pt, FormatWriter out) throws IOException {
    FieldChecks.level(pt.level(), parameters(), WHAT);
    FieldChecks.logSlots(pt.logSlots(), parameters(), WHAT);
    FieldChecks.scale(pt.scale(), WHAT);
    out.u8(pt.level());
    out.u8(pt.logSlots());
    out.f64(pt.scale());
    PolyPacking.write(out, parameters().rlwe().ringQ(), pt.value(), pt.level() + 1, WHAT);
  }

  @Override
  Plaintext readBody(FormatReader in) throws IOException {
    int level = in.u8("plaintext level");
    FieldChecks.level(level, parameters(), WHAT);
    int logSlots = in.u8("plaintext logSlots");
    FieldChecks.logSlots(logSlots, parameters(), WHAT);
    double scale = in.f64("plaintext scale");
    FieldChecks.scale(scale, WHAT);
    RnsPoly value = PolyPacking.read(in, parameters().rlwe().ringQ(), level + 1, WHAT);
    return new Plaintext(value, scale, logSlots);
  }

  @Override
  long bodySize(Plaintext pt) {
    return SerializedSize.plaintextBody(parameters(), pt.level());
  }
}
