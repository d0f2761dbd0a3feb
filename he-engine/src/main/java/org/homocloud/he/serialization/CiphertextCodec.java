package org.homocloud.he.serialization;

import java.io.IOException;
import java.util.Optional;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.ring.sampling.UniformSampler;
import org.homocloud.he.ring.sampling.Xof;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Ciphertexts in the binary format. A ciphertext that carries a seed (a fresh secret-key
 * encryption) is written seeded: c_1 is replaced by its 32-byte seed and re-expanded on read as
 * the {@link org.homocloud.he.rlwe.Encryptor} expanded it, so it takes about half the space.
 *
 * <p>Body: degree (u8, 1..2), level (u8), logSlots (u8), scale (f64, finite and positive),
 * form (u8: 0 full, 1 seeded), [seed (32 bytes) if seeded], then c_0, [c_1 if full], c_2 ...,
 * each over limbs 0..level.
 */
public final class CiphertextCodec extends ObjectCodec<Ciphertext> {

  private static final String WHAT = "ciphertext";

  public CiphertextCodec(CkksParameters parameters) {
    super(parameters, ObjectType.CIPHERTEXT);
  }

  @Override
  void writeBody(Ciphertext ct, FormatWriter out) throws IOException {
    CkksParameters parameters = parameters();
    FieldChecks.degree(ct.degree(), WHAT);
    FieldChecks.level(ct.level(), parameters, WHAT);
    FieldChecks.logSlots(ct.logSlots(), parameters, WHAT);
    FieldChecks.scale(ct.scale(), WHAT);
    Optional<byte[]> seed = seedToWrite(ct);
    out.u8(ct.degree());
    out.u8(ct.level());
    out.u8(ct.logSlots());
    out.f64(ct.scale());
    out.u8(seed.isPresent() ? SerializationFormat.FORM_SEEDED : SerializationFormat.FORM_FULL);
    if (seed.isPresent()) {
      out.bytes(seed.get());
    }
    RnsRing ringQ = parameters.rlwe().ringQ();
    for (int i = 0; i <= ct.degree(); i++) {
      if (i == 1 && seed.isPresent()) {
        continue;
      }
      PolyPacking.write(out, ringQ, ct.poly(i), ct.level() + 1, WHAT + " c_" + i);
    }
  }

  @Override
  Ciphertext readBody(FormatReader in) throws IOException {
    CkksParameters parameters = parameters();
    int degree = in.u8("ciphertext degree");
    FieldChecks.degree(degree, WHAT);
    int level = in.u8("ciphertext level");
    FieldChecks.level(level, parameters, WHAT);
    int logSlots = in.u8("ciphertext logSlots");
    FieldChecks.logSlots(logSlots, parameters, WHAT);
    double scale = in.f64("ciphertext scale");
    FieldChecks.scale(scale, WHAT);
    boolean seeded = FieldChecks.seeded(in.u8("ciphertext form"), WHAT);
    if (seeded && degree != 1) {
      throw new HeException("a seeded ciphertext has degree 1, not " + degree);
    }
    byte[] seed = seeded ? in.bytes(SerializationFormat.SEED_BYTES, "ciphertext seed") : null;
    RnsRing ringQ = parameters.rlwe().ringQ();
    RnsPoly[] polys = new RnsPoly[degree + 1];
    for (int i = 0; i <= degree; i++) {
      if (i == 1 && seeded) {
        continue;
      }
      polys[i] = PolyPacking.read(in, ringQ, level + 1, WHAT + " c_" + i);
    }
    if (seeded) {
      // Exactly as Encryptor does it: one XOF over the seed, limbs 0..level in order.
      polys[1] = ringQ.newPoly(level + 1);
      UniformSampler.sample(ringQ, new Xof(seed), polys[1]);
    }
    Ciphertext ct = new Ciphertext(polys, scale, logSlots);
    ct.setSeed(seed);
    return ct;
  }

  @Override
  long bodySize(Ciphertext ct) {
    return SerializedSize.ciphertextBody(parameters(), ct.degree(), ct.level(), seedToWrite(ct).isPresent());
  }

  /** The seed to write instead of c_1: only a degree-1 ciphertext's c_1 can come from a seed. */
  private static Optional<byte[]> seedToWrite(Ciphertext ct) {
    return ct.degree() == 1 ? ct.seed() : Optional.empty();
  }
}
