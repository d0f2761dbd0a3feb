package org.homocloud.he.ckks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.Automorphism;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeySwitcher;
import org.homocloud.he.rlwe.Plaintext;
import org.homocloud.he.rlwe.RelinearizationKey;

/**
 * Homomorphic operations on CKKS ciphertexts. Every operation comes as {@code op(..., out)},
 * which overwrites {@code out} (it may be one of the inputs), and {@code opNew(...)}, which
 * returns a new ciphertext. Operands at different levels meet at the lower level; operands
 * added together must have the same scale. Immutable and safe to share between threads; with
 * a {@link Parallelism} above one, each operation spreads its RNS limbs over several threads.
 */
public final class Evaluator {

  /** Largest relative difference of scales that addition accepts (the error it introduces). */
  public static final double SCALE_TOLERANCE = 0x1p-20;

  private final CkksParameters parameters;
  private final RnsRing ringQ;
  private final KeySwitcher keySwitcher;
  private final EvaluationKeySet keys;
  private final Map<Long, int[]> automorphismTables = new ConcurrentHashMap<>();
  /** lastPrimeInverse[l][i] = q_l^-1 mod q_i for i < l (rescale), with Shoup companions. */
  private final long[][] lastPrimeInverse;
  private final long[][] lastPrimeInverseShoup;

  public Evaluator(CkksParameters parameters, EvaluationKeySet keys) {
    this(parameters, keys, Parallelism.sequential());
  }

  public Evaluator(CkksParameters parameters, EvaluationKeySet keys, Parallelism parallelism) {
    this.parameters = parameters;
    this.keys = keys;
    this.ringQ = parameters.rlwe().ringQ().withParallelism(parallelism);
    this.keySwitcher = new KeySwitcher(parameters.rlwe(), parallelism);
    int count = ringQ.primeCount();
    lastPrimeInverse = new long[count][count];
    lastPrimeInverseShoup = new long[count][count];
    for (int l = 1; l < count; l++) {
      for (int i = 0; i < l; i++) {
        Modulus m = ringQ.modulus(i);
        lastPrimeInverse[l][i] = m.inverse(ringQ.modulus(l).value() % m.value());
        lastPrimeInverseShoup[l][i] = m.shoup(lastPrimeInverse[l][i]);
      }
    }
  }

  /** The same evaluator with another parallelism (keys and tables shared). */
  public Evaluator withParallelism(Parallelism parallelism) {
    return new Evaluator(parameters, keys, parallelism);
  }

  public CkksParameters parameters() {
    return parameters;
  }

  // ---------------------------------------------------------------- addition and subtraction

  public void add(Ciphertext a, Ciphertext b, Ciphertext out) {
    combine(a, b, out, false, "add");
  }

  public Ciphertext addNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = a.copy();
    add(a, b, out);
    return out;
  }

  public void sub(Ciphertext a, Ciphertext b, Ciphertext out) {
    combine(a, b, out, true, "subtract");
  }

  public Ciphertext subNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = a.copy();
    sub(a, b, out);
    return out;
  }

  public void negate(Ciphertext a, Ciphertext out) {
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(a.level() + 1);
      ringQ.neg(a.poly(i), result[i]);
    }
    out.set(result, a.scale(), a.logSlots());
  }

  public Ciphertext negateNew(Ciphertext a) {
    Ciphertext out = a.copy();
    negate(a, out);
    return out;
  }

  private void combine(Ciphertext a, Ciphertext b, Ciphertext out, boolean subtract, String verb) {
    checkScales(a.scale(), b.scale(), verb);
    checkSlots(a.logSlots(), b.logSlots(), verb);
    int level = Math.min(a.level(), b.level());
    int degree = Math.max(a.degree(), b.degree());
    RnsPoly[] result = new RnsPoly[degree + 1];
    for (int i = 0; i <= degree; i++) {
      result[i] = ringQ.newPoly(level + 1);
      if (i <= a.degree() && i <= b.degree()) {
        if (subtract) {
          ringQ.sub(a.poly(i), b.poly(i), result[i]);
        } else {
          ringQ.add(a.poly(i), b.poly(i), result[i]);
        }
      } else if (i <= a.degree()) {
        result[i].copyFrom(a.poly(i).viewLimbs(level + 1));
      } else if (subtract) {
        ringQ.neg(b.poly(i), result[i]);
      } else {
        result[i].copyFrom(b.poly(i).viewLimbs(level + 1));
      }
    }
    out.set(result, a.scale(), a.logSlots());
  }

  // ---------------------------------------------------------------- plaintext operands

  public void addPlain(Ciphertext a, Plaintext pt, Ciphertext out) {
    combinePlain(a, pt, out, false);
  }

  public Ciphertext addPlainNew(Ciphertext a, Plaintext pt) {
    Ciphertext out = a.copy();
    addPlain(a, pt, out);
    return out;
  }

  public void subPlain(Ciphertext a, Plaintext pt, Ciphertext out) {
    combinePlain(a, pt, out, true);
  }

  private void combinePlain(Ciphertext a, Plaintext pt, Ciphertext out, boolean subtract) {
    checkScales(a.scale(), pt.scale(), subtract ? "subtract a plaintext" : "add a plaintext");
    int level = Math.min(a.level(), pt.level());
    RnsPoly[] result = copyPolys(a, level);
    if (subtract) {
      ringQ.sub(result[0], pt.value(), result[0]);
    } else {
      ringQ.add(result[0], pt.value(), result[0]);
    }
    out.set(result, a.scale(), a.logSlots());
  }

  public Ciphertext subPlainNew(Ciphertext a, Plaintext pt) {
    Ciphertext out = a.copy();
    subPlain(a, pt, out);
    return out;
  }

  /** Slot-wise product with a plaintext; the scale becomes the product of the scales. */
  public void mulPlain(Ciphertext a, Plaintext pt, Ciphertext out) {
    int level = Math.min(a.level(), pt.level());
    RnsPoly ptMontgomery = ringQ.newPoly(level + 1);
    ringQ.toMontgomery(pt.value(), ptMontgomery);
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(level + 1);
      ringQ.mulMontgomery(a.poly(i), ptMontgomery, result[i]);
    }
    out.set(result, a.scale() * pt.scale(), a.logSlots());
  }

  public Ciphertext mulPlainNew(Ciphertext a, Plaintext pt) {
    Ciphertext out = a.copy();
    mulPlain(a, pt, out);
    return out;
  }

  // ---------------------------------------------------------------- constants

  /** Adds the complex constant {@code re + i*im} to every slot. */
  public void addConstant(Ciphertext a, double re, double im, Ciphertext out) {
    RnsPoly[] result = copyPolys(a, a.level());
    int limbs = a.level() + 1;
    if (re != 0) {
      ringQ.addScalarsNtt(result[0], scaledResidues(re, a.scale(), limbs), result[0]);
    }
    if (im != 0) {
      // i is X^(N/2) in every slot's embedding; its NTT is not constant, so build it.
      long[] residues = scaledResidues(im, a.scale(), limbs);
      RnsPoly monomial = ringQ.newPoly(limbs);
      for (int l = 0; l < limbs; l++) {
        monomial.limb(l)[parameters.n() / 2] = residues[l];
      }
      ringQ.ntt(monomial);
      ringQ.add(result[0], monomial, result[0]);
    }
    out.set(result, a.scale(), a.logSlots());
  }

  public Ciphertext addConstantNew(Ciphertext a, double re, double im) {
    Ciphertext out = a.copy();
    addConstant(a, re, im, out);
    return out;
  }

  /**
   * Multiplies every slot by the real constant {@code c}, encoded at the scale of the current
   * last prime q_level, so that a following {@link #rescale} restores the input scale exactly.
   */
  public void multiplyByConstant(Ciphertext a, double c, Ciphertext out) {
    int limbs = a.level() + 1;
    double constantScale = ringQ.modulus(a.level()).value();
    long[] residues = scaledResidues(c, constantScale, limbs);
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(limbs);
      ringQ.mulScalars(a.poly(i), residues, result[i]);
    }
    out.set(result, a.scale() * constantScale, a.logSlots());
  }

  public Ciphertext multiplyByConstantNew(Ciphertext a, double c) {
    Ciphertext out = a.copy();
    multiplyByConstant(a, c, out);
    return out;
  }

  /**
   * Multiplies every slot by the real constant {@code c} encoded at an explicit scale: the
   * result's scale is {@code a.scale() * constantScale}. Choosing constantScale = target * q_l /
   * a.scale() makes the result land exactly on {@code target} after the next rescale, which is
   * how polynomial evaluation keeps every summand at one scale.
   */
  public void multiplyByConstant(Ciphertext a, double c, double constantScale, Ciphertext out) {
    if (!(constantScale > 0) || Double.isInfinite(constantScale)) {
      throw new HeException("constant scale must be positive and finite: " + constantScale);
    }
    int limbs = a.level() + 1;
    long[] residues = scaledResidues(c, constantScale, limbs);
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(limbs);
      ringQ.mulScalars(a.poly(i), residues, result[i]);
    }
    out.set(result, a.scale() * constantScale, a.logSlots());
  }

  public Ciphertext multiplyByConstantNew(Ciphertext a, double c, double constantScale) {
    Ciphertext out = a.copy();
    multiplyByConstant(a, c, constantScale, out);
    return out;
  }

  /**
   * Multiplies every slot by the imaginary unit i, exactly: i is the monomial X^(N/2) in every
   * slot, so this is a signed shift of the coefficients, with no noise, level or scale change.
   */
  public void multiplyByI(Ciphertext a, Ciphertext out) {
    RnsPoly monomial = imaginaryUnitNtt(a.level() + 1);
    RnsPoly montgomery = ringQ.newPoly(a.level() + 1);
    ringQ.toMontgomery(monomial, montgomery);
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(a.level() + 1);
      ringQ.mulMontgomery(a.poly(i), montgomery, result[i]);
    }
    out.set(result, a.scale(), a.logSlots());
  }

  public Ciphertext multiplyByINew(Ciphertext a) {
    Ciphertext out = a.copy();
    multiplyByI(a, out);
    return out;
  }

  private RnsPoly imaginaryUnitNtt(int limbs) {
    RnsPoly monomial = ringQ.newPoly(limbs);
    for (int l = 0; l < limbs; l++) {
      monomial.limb(l)[parameters.n() / 2] = 1;
    }
    ringQ.ntt(monomial);
    return monomial;
  }

  /** Multiplies every slot by an integer; the scale is unchanged and no level is consumed. */
  public void multiplyByInteger(Ciphertext a, long k, Ciphertext out) {
    int limbs = a.level() + 1;
    long[] residues = ringQ.residues(BigInteger.valueOf(k));
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = ringQ.newPoly(limbs);
      ringQ.mulScalars(a.poly(i), residues, result[i]);
    }
    out.set(result, a.scale(), a.logSlots());
  }

  public Ciphertext multiplyByIntegerNew(Ciphertext a, long k) {
    Ciphertext out = a.copy();
    multiplyByInteger(a, k, out);
    return out;
  }

  // ---------------------------------------------------------------- multiplication

  /** Tensor product of two degree-1 ciphertexts: a degree-2 result, not relinearized. */
  public void mul(Ciphertext a, Ciphertext b, Ciphertext out) {
    requireDegree(a, 1, "multiply");
    requireDegree(b, 1, "multiply");
    checkSlots(a.logSlots(), b.logSlots(), "multiply");
    int limbs = Math.min(a.level(), b.level()) + 1;
    RnsPoly b0 = ringQ.newPoly(limbs);
    RnsPoly b1 = ringQ.newPoly(limbs);
    ringQ.toMontgomery(b.poly(0), b0);
    ringQ.toMontgomery(b.poly(1), b1);
    RnsPoly d0 = ringQ.newPoly(limbs);
    RnsPoly d1 = ringQ.newPoly(limbs);
    RnsPoly d2 = ringQ.newPoly(limbs);
    ringQ.mulMontgomery(a.poly(0), b0, d0);
    ringQ.mulMontgomery(a.poly(0), b1, d1);
    ringQ.mulMontgomeryAdd(a.poly(1), b0, d1);
    ringQ.mulMontgomery(a.poly(1), b1, d2);
    out.set(new RnsPoly[] {d0, d1, d2}, a.scale() * b.scale(), a.logSlots());
  }

  public Ciphertext mulNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = a.copy();
    mul(a, b, out);
    return out;
  }

  /** Product followed by relinearization: a degree-1 ciphertext at scale a.scale * b.scale. */
  public void mulRelin(Ciphertext a, Ciphertext b, Ciphertext out) {
    mul(a, b, out);
    relinearize(out, out);
  }

  public Ciphertext mulRelinNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = a.copy();
    mulRelin(a, b, out);
    return out;
  }

  /** Turns a degree-2 ciphertext back into degree 1 with the relinearization key. */
  public void relinearize(Ciphertext a, Ciphertext out) {
    requireDegree(a, 2, "relinearize");
    RelinearizationKey rlk = keys == null ? null : keys.relinearizationKey().orElse(null);
    if (rlk == null) {
      throw new HeException("cannot relinearize: the evaluation key set has no relinearization key");
    }
    RnsPoly[] switched = keySwitcher.switchKey(a.poly(2), rlk.key());
    ringQ.add(switched[0], a.poly(0), switched[0]);
    ringQ.add(switched[1], a.poly(1), switched[1]);
    out.set(switched, a.scale(), a.logSlots());
  }

  public Ciphertext relinearizeNew(Ciphertext a) {
    Ciphertext out = a.copy();
    relinearize(a, out);
    return out;
  }

  // ---------------------------------------------------------------- modulus switching

  /** Divides by the last prime q_level (rounding), dropping one level and dividing the scale. */
  public void rescale(Ciphertext a, Ciphertext out) {
    if (a.level() == 0) {
      throw new HeException("cannot rescale: the ciphertext is at level 0, no prime left to divide by");
    }
    double divisor = ringQ.modulus(a.level()).value();
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = divideByLastPrime(a.poly(i));
    }
    out.set(result, a.scale() / divisor, a.logSlots());
  }

  public Ciphertext rescaleNew(Ciphertext a) {
    Ciphertext out = a.copy();
    rescale(a, out);
    return out;
  }

  /** Drops primes until the ciphertext is at {@code level}; a no-op copy if it already is. */
  public Ciphertext dropToLevelNew(Ciphertext a, int level) {
    return dropLevelNew(a, a.level() - level);
  }

  /** Drops {@code levels} primes without dividing (modulus switching to a smaller Q). */
  public void dropLevel(Ciphertext a, int levels, Ciphertext out) {
    if (levels < 0 || levels > a.level()) {
      throw new HeException("cannot drop " + levels + " levels from a ciphertext at level " + a.level());
    }
    out.set(copyPolys(a, a.level() - levels), a.scale(), a.logSlots());
  }

  public Ciphertext dropLevelNew(Ciphertext a, int levels) {
    Ciphertext out = a.copy();
    dropLevel(a, levels, out);
    return out;
  }

  private RnsPoly divideByLastPrime(RnsPoly a) {
    int last = a.level();
    long lastPrime = ringQ.modulus(last).value();
    long half = lastPrime >> 1;
    long[] top = a.limb(last).clone();
    ringQ.ntt(last).inverse(top);
    RnsPoly out = ringQ.newPoly(last);
    int n = a.n();
    ringQ.forEachLimb(last, i -> {
      Modulus m = ringQ.modulus(i);
      long[] tmp = new long[n];
      for (int j = 0; j < n; j++) {
        long v = top[j];
        // Centered representative of the dropped residue: rounds instead of flooring.
        tmp[j] = v > half ? m.neg(m.reduceNonNegative(lastPrime - v)) : m.reduceNonNegative(v);
      }
      ringQ.ntt(i).forward(tmp);
      long w = lastPrimeInverse[last][i];
      long wShoup = lastPrimeInverseShoup[last][i];
      long[] x = a.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        z[j] = m.mulShoup(m.sub(x[j], tmp[j]), w, wShoup);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- rotations

  /** Rotates the slots left by {@code k} (right for negative k). Needs that Galois key. */
  public void rotate(Ciphertext a, int k, Ciphertext out) {
    applyAutomorphism(a, Rotations.galoisElement(parameters.logN(), k), "rotate by " + k, out);
  }

  public Ciphertext rotateNew(Ciphertext a, int k) {
    Ciphertext out = a.copy();
    rotate(a, k, out);
    return out;
  }

  /** Complex conjugate of every slot. */
  public void conjugate(Ciphertext a, Ciphertext out) {
    applyAutomorphism(a, Rotations.conjugationElement(parameters.logN()), "conjugate", out);
  }

  public Ciphertext conjugateNew(Ciphertext a) {
    Ciphertext out = a.copy();
    conjugate(a, out);
    return out;
  }

  /**
   * Several rotations of one ciphertext that share one key-switching decomposition (hoisting):
   * the ModUp is paid once, then each rotation costs an inner product and a ModDown.
   */
  public Map<Integer, Ciphertext> rotateHoisted(Ciphertext a, int... ks) {
    requireDegree(a, 1, "rotate");
    KeySwitcher.Decomposition decomposition = keySwitcher.decompose(a.poly(1));
    Map<Integer, Ciphertext> out = new LinkedHashMap<>();
    for (int k : ks) {
      long g = Rotations.galoisElement(parameters.logN(), k);
      out.put(k, automorphismFromDecomposition(a, decomposition, g, "rotate by " + k));
    }
    return out;
  }

  /**
   * Slot i receives the sum of slots i .. i+count-1 (cyclically), for a power-of-two count, in
   * log2(count) rotations by powers of two.
   */
  public void rotateAndSum(Ciphertext a, int count, Ciphertext out) {
    if (count < 1 || Integer.bitCount(count) != 1) {
      throw new HeException("rotate-and-sum needs a power-of-two count: " + count);
    }
    Ciphertext acc = a.copy();
    for (int step = 1; step < count; step <<= 1) {
      add(acc, rotateNew(acc, step), acc);
    }
    out.copyFrom(acc);
  }

  public Ciphertext rotateAndSumNew(Ciphertext a, int count) {
    Ciphertext out = a.copy();
    rotateAndSum(a, count, out);
    return out;
  }

  private void applyAutomorphism(Ciphertext a, long galoisElement, String what, Ciphertext out) {
    requireDegree(a, 1, what);
    galoisKey(galoisElement, what);
    KeySwitcher.Decomposition decomposition = keySwitcher.decompose(a.poly(1));
    Ciphertext result = automorphismFromDecomposition(a, decomposition, galoisElement, what);
    out.set(new RnsPoly[] {result.poly(0), result.poly(1)}, result.scale(), result.logSlots());
  }

  private Ciphertext automorphismFromDecomposition(
      Ciphertext a, KeySwitcher.Decomposition decomposition, long galoisElement, String what) {
    GaloisKey key = galoisKey(galoisElement, what);
    int[] table = automorphismTables.computeIfAbsent(
        galoisElement, g -> Automorphism.nttIndexTable(parameters.logN(), g));
    RnsPoly[] switched = keySwitcher.switchKey(decomposition, key.key(), table);
    RnsPoly permuted = ringQ.newPoly(a.level() + 1);
    Automorphism.applyNtt(a.poly(0), table, permuted, ringQ.parallelism());
    ringQ.add(switched[0], permuted, switched[0]);
    return new Ciphertext(switched, a.scale(), a.logSlots());
  }

  private GaloisKey galoisKey(long galoisElement, String what) {
    GaloisKey key = keys == null ? null : keys.galoisKey(galoisElement).orElse(null);
    if (key == null) {
      throw new HeException(
          "cannot " + what + ": no Galois key for element " + galoisElement + " in the evaluation key set");
    }
    return key;
  }

  // ---------------------------------------------------------------- helpers

  private RnsPoly[] copyPolys(Ciphertext a, int level) {
    RnsPoly[] result = new RnsPoly[a.degree() + 1];
    for (int i = 0; i < result.length; i++) {
      result[i] = a.poly(i).copyLimbs(level + 1);
    }
    return result;
  }

  private long[] scaledResidues(double value, double scale, int limbs) {
    if (!Double.isFinite(value)) {
      throw new HeException("constant is not finite: " + value);
    }
    double scaled = value * scale;
    long[] residues = new long[limbs];
    if (Math.abs(scaled) < 0x1p62) {
      long v = Math.round(scaled);
      for (int l = 0; l < limbs; l++) {
        Modulus m = ringQ.modulus(l);
        residues[l] = v >= 0 ? m.reduceNonNegative(v) : m.neg(m.reduceNonNegative(-v));
      }
    } else {
      BigInteger v = new BigDecimal(scaled).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
      for (int l = 0; l < limbs; l++) {
        residues[l] = v.mod(BigInteger.valueOf(ringQ.modulus(l).value())).longValue();
      }
    }
    return residues;
  }

  private static void requireDegree(Ciphertext a, int degree, String what) {
    if (a.degree() != degree) {
      throw new HeException(
          "cannot " + what + ": the ciphertext has degree " + a.degree() + ", expected " + degree);
    }
  }

  private static void checkScales(double a, double b, String verb) {
    if (Math.abs(a / b - 1) > SCALE_TOLERANCE) {
      throw new HeException(String.format(
          "cannot %s: scales differ (2^%.4f vs 2^%.4f); rescale or multiply by a constant to align them",
          verb, Math.log(a) / Math.log(2), Math.log(b) / Math.log(2)));
    }
  }

  private static void checkSlots(int a, int b, String verb) {
    if (a != b) {
      throw new HeException("cannot " + verb + ": slot counts differ (2^" + a + " vs 2^" + b + ")");
    }
  }
}
