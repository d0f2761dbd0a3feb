package org.homocloud.he.serialization;

import java.io.IOException;
import java.security.MessageDigest;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.PublicKey;

/** Public keys in the binary format. Body: b, then a, each over the whole Q chain (NTT form). */
public final class PublicKeyCodec extends ObjectCodec<PublicKey> {

  private static final String WHAT = "public key";

  public PublicKeyCodec(CkksParameters parameters) {
    super(parameters, ObjectType.PUBLIC_KEY);
  }

  @Override
  void writeBody(PublicKey key, FormatWriter out) throws IOException {
    if (!MessageDigest.isEqual(key.parameters().fingerprint(), parameters().fingerprint())) {
      throw new HeException("cannot write public key: it was made under other parameters");
    }
    RnsRing ringQ = parameters().rlwe().ringQ();
    PolyPacking.write(out, ringQ, key.b(), ringQ.primeCount(), WHAT + " b");
    PolyPacking.write(out, ringQ, key.a(), ringQ.primeCount(), WHAT + " a");
  }

  @Override
  PublicKey readBody(FormatReader in) throws IOException {
    RnsRing ringQ = parameters().rlwe().ringQ();
    RnsPoly b = PolyPacking.read(in, ringQ, ringQ.primeCount(), WHAT + " b");
    RnsPoly a = PolyPacking.read(in, ringQ, ringQ.primeCount(), WHAT + " a");
    return new PublicKey(parameters().rlwe(), b, a);
  }

  @Override
  long bodySize(PublicKey key) {
    return SerializedSize.publicKeyBody(parameters());
  }
}
