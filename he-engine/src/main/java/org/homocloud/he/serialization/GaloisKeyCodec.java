package org.homocloud.he.serialization;

import java.io.IOException;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.GaloisKey;

/**
 * Galois (rotation and conjugation) keys in the binary format. Body: the Galois element (u64, odd,
 * in [1, 2N)), then one switching key ({@link SwitchingKeyBody}).
 */
public final class GaloisKeyCodec extends ObjectCodec<GaloisKey> {

  private static final String WHAT = "Galois key";

  public GaloisKeyCodec(CkksParameters parameters) {
    super(parameters, ObjectType.GALOIS_KEY);
  }

  @Override
  void writeBody(GaloisKey key, FormatWriter out) throws IOException {
    write(out, parameters(), key);
  }

  @Override
  GaloisKey readBody(FormatReader in) throws IOException {
    return read(in, parameters());
  }

  @Override
  long bodySize(GaloisKey key) {
    return size(parameters(), key.key().seed().isPresent());
  }

  static long size(CkksParameters parameters, boolean seeded) {
    return 8 + SwitchingKeyBody.size(parameters, seeded);
  }

  static void write(FormatWriter out, CkksParameters parameters, GaloisKey key) throws IOException {
    checkElement(key.galoisElement(), parameters);
    out.u64(key.galoisElement());
    SwitchingKeyBody.write(out, parameters, key.key(), WHAT + " " + key.galoisElement());
  }

  static GaloisKey read(FormatReader in, CkksParameters parameters) throws IOException {
    long element = in.u64("Galois element");
    checkElement(element, parameters);
    return new GaloisKey(element, SwitchingKeyBody.read(in, parameters, WHAT + " " + element));
  }

  /** Galois elements of Z[X]/(X^N + 1) are the odd residues modulo 2N. */
  static void checkElement(long element, CkksParameters parameters) {
    long twoN = 2L * parameters.n();
    if (element < 1 || element >= twoN || (element & 1) == 0) {
      throw new HeException("Galois element " + Long.toUnsignedString(element)
          + " is not an odd number in [1, " + twoN + ")");
    }
  }
}
