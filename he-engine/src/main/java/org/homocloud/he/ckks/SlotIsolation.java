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
 *   <li>Multiply by an {@link ExactSlotMask exact 0/1 mask} at scale {@code q_l * q_(l-1) * 2^16}
 *       (about 2^116 at the default parameters) and rescale twice: the chosen slots keep their values,
 *       every other slot keeps at most {@code |value| * 2^-106} of its value (the mask's rounding).
 *   <li>Flood: add a fresh public-key encryption of a coefficient-domain Gaussian whose slot-domain
 *       standard deviation is {@value #LOG_FLOOD_PRECISION} bits below one (about 4e-9 absolute): that is
 *       2^40 times the largest possible residue of a value up to {@code valueBound}, so what remains of the
 *       other slots is statistically hidden (distance about 2^-40 per slot), and it re-randomizes c1.
 *   <li>The result is at level {@code l-2} with scale {@code scale * 2^16}.
 * </ol>
 * A masked ciphertext at the default parameters decrypts its chosen slots to about 28 bits after the
 * point (the flood dominates the original noise only slightly). Needs level 2 or more. Thread-safe.
 */
public final class SlotIsolation {

  /** log2 of the flood's standard deviation in the slot domain, negated: 2^-28. */
  static final int LOG_FLOOD_PRECISION = 28;
  /** Statistical hiding of what the mask leaves of other slots, in bits. */
  static final int HIDING_BITS = 40;
  /** Extra scale bits kept after the two rescales. */
  static final int EXTRA_SCALE_BITS = 16;
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
    if (level < 2) {
      throw new HeException("slot isolation needs a ciphertext at level 2 or more, this one is at level " + level);
    }
    if (ct.logSlots() != parameters.maxLogSlots()) {
      throw new HeException("slot isolation needs a fully packed ciphertext (logSlots " + parameters.maxLogSlots()
          + "), this one has logSlots " + ct.logSlots());
    }
    if (!(valueBound > 0) || Double.isInfinite(valueBound)) {
      throw new HeException("value bound must be positive and finite: " + valueBound);
    }
    RnsRing ring = parameters.rlwe().ringQ();
    BigInteger maskScale = BigInteger.valueOf(ring.modulus(level).value())
        .multiply(BigInteger.valueOf(ring.modulus(level - 1).value()))
        .shiftLeft(EXTRA_SCALE_BITS);
    double logValueBound = Math.max(0, Math.log(valueBound) / Math.log(2));
    double logRoom = ring.modulusProduct(level + 1).bitLength() - 2;
    double logNeeded = Math.log(ct.scale()) / Math.log(2) + maskScale.bitLength() + logValueBound;
    if (logNeeded > logRoom) {
      throw new HeException(String.format("no room to isolate slots: scale 2^%.1f x mask 2^%d x values 2^%.1f "
          + "exceed the modulus 2^%.0f at level %d", Math.log(ct.scale()) / Math.log(2), maskScale.bitLength(),
          logValueBound, logRoom, level));
    }
    Plaintext mask = ExactSlotMask.encode(parameters, slots, level, maskScale);
    Ciphertext masked = evaluator.mulPlainNew(ct, mask);
    evaluator.rescale(masked, masked);
    evaluator.rescale(masked, masked);
    // The leak left in each masked-out slot is at most valueBound * 2^(MASK_ROUNDING_BITS) / maskScale.
    double logLeak = logValueBound + MASK_ROUNDING_BITS - maskScale.bitLength();
    double logFlood = Math.max(logLeak + HIDING_BITS, -LOG_FLOOD_PRECISION);
    Ciphertext flood = encryptor.encrypt(floodPlaintext(masked, logFlood));
    evaluator.add(masked, flood, masked);
    return masked;
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
    long[] coefficients = new long[n];
    for (int i = 0; i < n; i++) {
      coefficients[i] = Math.round(random.nextGaussian() * sigma);
    }
    RnsPoly poly = ring.newPoly(like.level() + 1);
    ring.setCoefficients(coefficients, poly);
    ring.ntt(poly);
    return new Plaintext(poly, like.scale(), like.logSlots());
  }
}
