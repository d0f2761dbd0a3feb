package org.homocloud.he.serialization;

import java.io.IOException;
import java.util.Optional;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.ring.sampling.UniformSampler;
import org.homocloud.he.ring.sampling.Xof;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * The body of a switching key, shared by switching, relinearization and Galois keys and key sets:
 * digit count (u16), form (u8: 0 full, 1 seeded), [seed (32 bytes) if seeded], then per digit j:
 * b_j over Q, b_j over P and, in full form only, a_j over Q and a_j over P. Residues are stored
 * as the engine holds them (NTT and Montgomery form). The leveled body (tags 10 and later) is the
 * same digits for a key made only up to some level: that level (u8) first, then Q limbs 0..level.
 */
final class SwitchingKeyBody {

  private SwitchingKeyBody() {}

  static long size(CkksParameters parameters, boolean seeded) {
    return digitsSize(parameters, parameters.maxLevel(), seeded);
  }

  static void write(FormatWriter out, CkksParameters parameters, SwitchingKey key, String what)
      throws IOException {
    int digits = digitCount(parameters);
    if (key.digitCount() != digits) {
      throw new HeException("cannot write " + what + ": it has " + key.digitCount()
          + " digits, these parameters use " + digits);
    }
    writeDigits(out, parameters, key, parameters.maxLevel(), what);
  }

  static SwitchingKey read(FormatReader in, CkksParameters parameters, String what) throws IOException {
    int expected = digitCount(parameters);
    int digits = in.u16(what + " digit count");
    if (digits != expected) {
      throw new HeException(what + " has " + digits + " digits, these parameters use " + expected);
    }
    return readDigits(in, parameters, parameters.maxLevel(), digits, what);
  }

  /**
   * Bytes of a leveled body: the key's top level (u8) first, then a body over Q limbs 0..level
   * with {@code digitCount(level)} digits (tags 10 and later: keys made only as tall as needed).
   */
  static long leveledSize(CkksParameters parameters, int level, boolean seeded) {
    return 1 + digitsSize(parameters, level, seeded);
  }

  /** Bytes {@link #writeLeveled} takes for {@code key}. */
  static long leveledSize(CkksParameters parameters, SwitchingKey key) {
    return leveledSize(parameters, level(key), key.seed().isPresent());
  }

  /** The top level a key works up to: its Q limb count minus one. */
  static int level(SwitchingKey key) {
    return key.bQ(0).limbCount() - 1;
  }

  static void writeLeveled(FormatWriter out, CkksParameters parameters, SwitchingKey key, String what)
      throws IOException {
    int level = level(key);
    FieldChecks.level(level, parameters, what);
    int digits = parameters.rlwe().digitCount(level);
    if (key.digitCount() != digits) {
      throw new HeException("cannot write " + what + ": it has " + key.digitCount()
          + " digits, a key up to level " + level + " has " + digits);
    }
    out.u8(level);
    writeDigits(out, parameters, key, level, what);
  }

  static SwitchingKey readLeveled(FormatReader in, CkksParameters parameters, String what) throws IOException {
    int level = in.u8(what + " level");
    FieldChecks.level(level, parameters, what);
    int expected = parameters.rlwe().digitCount(level);
    int digits = in.u16(what + " digit count");
    if (digits != expected) {
      throw new HeException(what + " has " + digits + " digits, a key up to level " + level + " has " + expected);
    }
    return readDigits(in, parameters, level, digits, what);
  }

  /** Bytes {@link #writeDigits} takes for a key up to {@code level}. */
  private static long digitsSize(CkksParameters parameters, int level, boolean seeded) {
    RnsRing ringQ = parameters.rlwe().ringQ();
    RnsRing ringP = parameters.rlwe().ringP();
    long perPair = PolyPacking.size(ringQ, level + 1) + PolyPacking.size(ringP, ringP.primeCount());
    long digits = parameters.rlwe().digitCount(level);
    return 2 + 1 + (seeded ? SerializationFormat.SEED_BYTES : 0) + digits * perPair * (seeded ? 1 : 2);
  }

  /** Digit count, form, [seed], then each digit's polynomials over Q limbs 0..level and all of P. */
  private static void writeDigits(FormatWriter out, CkksParameters parameters, SwitchingKey key, int level,
      String what) throws IOException {
    int digits = key.digitCount();
    Optional<byte[]> seed = key.seed();
    out.u16(digits);
    out.u8(seed.isPresent() ? SerializationFormat.FORM_SEEDED : SerializationFormat.FORM_FULL);
    if (seed.isPresent()) {
      out.bytes(seed.get());
    }
    RnsRing ringQ = parameters.rlwe().ringQ();
    RnsRing ringP = parameters.rlwe().ringP();
    for (int j = 0; j < digits; j++) {
      PolyPacking.write(out, ringQ, key.bQ(j), level + 1, what + " digit " + j + " b over Q");
      PolyPacking.write(out, ringP, key.bP(j), ringP.primeCount(), what + " digit " + j + " b over P");
      if (seed.isEmpty()) {
        PolyPacking.write(out, ringQ, key.aQ(j), level + 1, what + " digit " + j + " a over Q");
        PolyPacking.write(out, ringP, key.aP(j), ringP.primeCount(), what + " digit " + j + " a over P");
      }
    }
  }

  /** Reads what {@link #writeDigits} wrote, after the digit count (already read and checked). */
  private static SwitchingKey readDigits(FormatReader in, CkksParameters parameters, int level, int digits,
      String what) throws IOException {
    boolean seeded = FieldChecks.seeded(in.u8(what + " form"), what);
    byte[] seed = seeded ? in.bytes(SerializationFormat.SEED_BYTES, what + " seed") : null;
    RnsRing ringQ = parameters.rlwe().ringQ();
    RnsRing ringP = parameters.rlwe().ringP();
    RnsPoly[] bQ = new RnsPoly[digits];
    RnsPoly[] bP = new RnsPoly[digits];
    RnsPoly[] aQ = new RnsPoly[digits];
    RnsPoly[] aP = new RnsPoly[digits];
    for (int j = 0; j < digits; j++) {
      bQ[j] = PolyPacking.read(in, ringQ, level + 1, what + " digit " + j + " b over Q");
      bP[j] = PolyPacking.read(in, ringP, ringP.primeCount(), what + " digit " + j + " b over P");
      if (!seeded) {
        aQ[j] = PolyPacking.read(in, ringQ, level + 1, what + " digit " + j + " a over Q");
        aP[j] = PolyPacking.read(in, ringP, ringP.primeCount(), what + " digit " + j + " a over P");
      }
    }
    if (seeded) {
      expand(seed, ringQ, ringP, level, aQ, aP);
    }
    return new SwitchingKey(bQ, bP, aQ, aP, seed);
  }

  /**
   * Re-expands the a_j exactly as {@link org.homocloud.he.rlwe.KeyGenerator} does: one XOF over
   * the seed; for each digit, Q limbs 0..level then P limbs; then into Montgomery form.
   */
  private static void expand(byte[] seed, RnsRing ringQ, RnsRing ringP, int level, RnsPoly[] aQ, RnsPoly[] aP) {
    Xof uniform = new Xof(seed);
    for (int j = 0; j < aQ.length; j++) {
      aQ[j] = ringQ.newPoly(level + 1);
      aP[j] = ringP.newPoly();
      UniformSampler.sample(ringQ, uniform, aQ[j]);
      UniformSampler.sample(ringP, uniform, aP[j]);
      ringQ.toMontgomery(aQ[j], aQ[j]);
      ringP.toMontgomery(aP[j], aP[j]);
    }
  }

  private static int digitCount(CkksParameters parameters) {
    return parameters.rlwe().digitCount(parameters.maxLevel());
  }
}
