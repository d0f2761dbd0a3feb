package org.homocloud.he.ckks;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.Plaintext;
import org.homocloud.he.rlwe.PublicKey;

/**
 * Derives, from a packed ciphertext, a ciphertext that holds only chosen slots: what a reader
 * authorized for one record receives instead of a ciphertext full of other records' values.
 *
 * <p>Three steps, all with public material only:
 * <ol>
 *   <li>Multiply by an {@link ExactSlotMask exact 0/1 mask} at the largest power-of-two scale the modulus
 *       leaves room for (2^117 at the default parameters' storage level): the chosen slots keep their
 *       values; every other slot keeps at most {@code |value| * 2^8 / maskScale} of its value (the mask's
 *       rounding), 2^-69 of a value bound of 2^40 at the default parameters.
 *   <li>Rescale while the scale stays {@value #EXTRA_SCALE_BITS} bits above the input's (smaller result).
 *   <li>Flood: add a fresh public-key encryption of a coefficient-domain Gaussian whose slot-domain
 *       standard deviation is 2^-{@value #LOG_FLOOD_PRECISION} (about 4e-9): at least 2^{@value #HIDING_BITS}
 *       times the largest residue of another slot, so what remains of other slots is statistically hidden
 *       (distance about 2^-40 per slot); it also re-randomizes c1.
 * </ol>
 * The chosen slots decrypt to about 26 bits after the point. {@link #lowestLevel} says from which level
 * a ciphertext has the room. Thread-safe.
 */
public final class SlotIsolation {

  /** log2 of the flood's standard deviation in the slot domain, negated: 2^-28. */
  static final int LOG_FLOOD_PRECISION = 28;
  /** Statistical hiding of what the mask leaves of other slots, in bits. */
  static final int HIDING_BITS = 40;
  /** Scale bits kept above the input's when rescaling the masked ciphertext. */
  public static final int EXTRA_SCALE_BITS = 8;
  /** A slot-domain bound, in bits, on decode(rounding error) of a mask: its standard deviation is 2^5.2. */
  private static final int MASK_ROUNDING_BITS = 8;

  private final CkksParameters parameters;
  private final Evaluator evaluator;
  private final Encryptor encryptor;
  private final SecureRandom random = new SecureRandom();

  public SlotIsolation(CkksParameters parameters, PublicKey publicKey) {
    this.parameters = parameters;
    this.evaluator = new Evaluator(parameters, null);
    this.encryptor = Encryptor.withPublicKey(publicKey);
  }

  /**
   * A ciphertext with {@code ct}'s values in {@code slots} and no usable trace of its other slots, provided
   * every value of {@code ct} has magnitude at most {@code valueBound}.
   *
   * @throws HeException if {@code ct} is below level 2, not fully packed, or its modulus has no room for
   *     the mask at this value bound
   */
  public Ciphertext isolate(Ciphertext ct, int[] slots, double valueBound) {
    int level = ct.level();
    if (ct.logSlots() != parameters.maxLogSlots()) {
      throw new HeException("slot isolation needs a fully packed ciphertext (logSlots " + parameters.maxLogSlots()
          + "), this one has logSlots " + ct.logSlots());
    }
    if (!(valueBound > 0) || Double.isInfinite(valueBound)) {
      throw new HeException("value bound must be positive and finite: " + valueBound);
    }
    double logScale = log2(ct.scale());
    int logMask = maskBits(parameters, level, logScale, valueBound);
    if (logMask < requiredMaskBits(valueBound)) {
      throw new HeException(String.format("no room to isolate slots at level %d: a mask of 2^%d would leave more of "
          + "other values (up to %.3g) than flooding can hide at 2^-%d; use level %d or more", level, logMask,
          valueBound, LOG_FLOOD_PRECISION, lowestLevel(parameters, logScale, valueBound)));
    }
    Plaintext mask = ExactSlotMask.encode(parameters, slots, level, BigInteger.ONE.shiftLeft(logMask));
    Ciphertext masked = evaluator.mulPlainNew(ct, mask);
    RnsRing ring = parameters.rlwe().ringQ();
    while (masked.level() > 0
        && log2(masked.scale()) - log2(ring.modulus(masked.level()).value()) >= logScale + EXTRA_SCALE_BITS) {
      evaluator.rescale(masked, masked);
    }
    // What the mask leaves of another slot is at most valueBound * 2^MASK_ROUNDING_BITS / 2^logMask.
    double logLeak = log2(valueBound) + MASK_ROUNDING_BITS - logMask;
    double logFlood = Math.max(logLeak + HIDING_BITS, -LOG_FLOOD_PRECISION);
    Ciphertext flood = encryptor.encrypt(floodPlaintext(masked, logFlood));
    evaluator.add(masked, flood, masked);
    return masked;
  }

  /** The lowest level from which ciphertexts at the default scale with values up to {@code valueBound} can be isolated. */
  public static int lowestLevel(CkksParameters parameters, double valueBound) {
    return lowestLevel(parameters, log2(parameters.defaultScale()), valueBound);
  }

  private static int lowestLevel(CkksParameters parameters, double logScale, double valueBound) {
    for (int level = 0; level <= parameters.maxLevel(); level++) {
      if (maskBits(parameters, level, logScale, valueBound) >= requiredMaskBits(valueBound)) {
        return level;
      }
    }
    throw new HeException("no level of these parameters has room to isolate slots of values up to " + valueBound);
  }

  /** The largest mask scale (bits) such that scale * mask * valueBound stays below Q_level / 4. */
  private static int maskBits(CkksParameters parameters, int level, double logScale, double valueBound) {
    double logRoom = parameters.rlwe().ringQ().modulusProduct(level + 1).bitLength() - 2;
    return (int) Math.floor(logRoom - logScale - Math.max(0, log2(valueBound))) - 1;
  }

  /** The mask scale (bits) at which the flood at 2^-LOG_FLOOD_PRECISION hides what is left of other slots. */
  private static int requiredMaskBits(double valueBound) {
    return (int) Math.ceil(Math.max(0, log2(valueBound))) + MASK_ROUNDING_BITS + HIDING_BITS + LOG_FLOOD_PRECISION;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /**
   * A plaintext of independent Gaussian coefficients whose decoded slots have standard deviation
   * 2^logFlood: the canonical embedding turns coefficient deviation s into slot deviation s*sqrt(N/2)/scale.
   */
  private Plaintext floodPlaintext(Ciphertext like, double logFlood) {
    RnsRing ring = parameters.rlwe().ringQ();
    int n = parameters.n();
    double sigma = Math.pow(2, logFlood) * like.scale() / Math.sqrt(n / 2.0);
    if (sigma > 0x1p60) {
      throw new HeException("flooding noise beyond 2^60 per coefficient: the ciphertext's scale is too large");
    }
    // A double Gaussian has 53 significant bits; uniform low bits below them keep the flood smooth at the
    // granularity of what it must hide.
    int lowBits = Math.max(0, Math.getExponent(sigma) - 50);
    long[] coefficients = new long[n];
    for (int i = 0; i < n; i++) {
      long low = lowBits == 0 ? 0 : random.nextLong(1L << lowBits);
      coefficients[i] = Math.round(random.nextGaussian() * sigma) + low;
    }
    RnsPoly poly = ring.newPoly(like.level() + 1);
    ring.setCoefficients(coefficients, poly);
    ring.ntt(poly);
    return new Plaintext(poly, like.scale(), like.logSlots());
  }
}
