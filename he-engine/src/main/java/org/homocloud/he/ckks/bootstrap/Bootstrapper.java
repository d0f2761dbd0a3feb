package org.homocloud.he.ckks.bootstrap;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.circuits.HomomorphicDft;
import org.homocloud.he.ckks.circuits.LinearTransform;
import org.homocloud.he.ckks.circuits.SineEvaluator;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.KeySwitcher;

/**
 * CKKS bootstrapping: refreshes a ciphertext at level 0 to a ciphertext at
 * {@link BootstrappingParameters#levelsLeft()} with the same message.
 *
 * <ol>
 *   <li>Sparse-secret encapsulation: key-switch to an ephemeral sparse secret at level 0
 *       (Bossuat et al., ePrint 2022/024), so the ModRaise overflow I stays within [-K, K].
 *   <li>ModRaise: read the residues mod q_0 as integers over the whole chain (m + q_0 I), then
 *       switch back to the dense secret.
 *   <li>CoeffsToSlots: homomorphic inverse DFT; real and imaginary parts split by conjugation.
 *   <li>EvalMod: sin(2 pi x)/(2 pi) ~ x mod 1 for x = P / q_0 in [-K, K], by a scaled cosine and
 *       double angles.
 *   <li>SlotsToCoeffs: homomorphic DFT back to the message slots.
 * </ol>
 *
 * <p>Scale factors (1/(2 q_0), q_0/(2 pi Delta)) are carried in the scale metadata rather than
 * folded into the DFT diagonals, so every diagonal is encoded with about log2(q_l) bits of
 * precision. Immutable and thread-safe.
 */
public final class Bootstrapper {

  private final BootstrappingParameters parameters;
  private final CkksParameters ckks;
  private final BootstrappingKeys keys;
  private final Evaluator evaluator;
  private final Encoder encoder;
  private final KeySwitcher keySwitcher;
  private final RnsRing ringQ;
  private final List<LinearTransform> coeffsToSlots;
  private final List<LinearTransform> slotsToCoeffs;
  private final SineEvaluator sine;

  public Bootstrapper(BootstrappingParameters parameters, BootstrappingKeys keys, Parallelism parallelism) {
    this.parameters = parameters;
    this.ckks = parameters.ckks();
    this.keys = keys;
    this.evaluator = new Evaluator(ckks, keys.evaluationKeys(), parallelism);
    this.encoder = new Encoder(ckks);
    this.keySwitcher = new KeySwitcher(ckks.rlwe(), parallelism);
    this.ringQ = ckks.rlwe().ringQ().withParallelism(parallelism);
    this.coeffsToSlots = coeffsToSlots(parameters);
    this.slotsToCoeffs = slotsToCoeffs(parameters);
    this.sine = new SineEvaluator(parameters.evalModK(), parameters.doubleAngles(), parameters.cosineDegree());
  }

  public BootstrappingParameters parameters() {
    return parameters;
  }

  /** Rotations whose Galois keys bootstrapping needs (conjugation comes on top). */
  public static SortedSet<Integer> rotationsNeeded(BootstrappingParameters parameters) {
    SortedSet<Integer> all = new TreeSet<>(HomomorphicDft.rotations(coeffsToSlots(parameters)));
    all.addAll(HomomorphicDft.rotations(slotsToCoeffs(parameters)));
    all.addAll(traceRotations(parameters.ckks()));
    return all;
  }

  /** Each rotation bootstrapping needs, with the highest level it is applied at. */
  public static Map<Integer, Integer> rotationLevels(BootstrappingParameters parameters) {
    CkksParameters ckks = parameters.ckks();
    int top = ckks.maxLevel();
    int slotsToCoeffsTop = parameters.levelsLeft() + parameters.stcLevels();
    Map<Integer, Integer> levels = new TreeMap<>();
    for (int k : HomomorphicDft.rotations(slotsToCoeffs(parameters))) {
      levels.merge(k, slotsToCoeffsTop, Math::max);
    }
    for (int k : HomomorphicDft.rotations(coeffsToSlots(parameters))) {
      levels.merge(k, top, Math::max);
    }
    for (int k : traceRotations(ckks)) {
      levels.merge(k, top, Math::max);
    }
    return levels;
  }

  /**
   * Rotations of the trace to the sparse subring: n, 2n, ..., N/4 for n slots. Their Galois
   * elements 5^(n 2^i) generate the automorphisms fixing X^(N/2n).
   */
  private static List<Integer> traceRotations(CkksParameters ckks) {
    List<Integer> rotations = new java.util.ArrayList<>();
    for (int k = ckks.slots(); k < ckks.n() / 2; k <<= 1) {
      rotations.add(k);
    }
    return rotations;
  }

  private static List<LinearTransform> coeffsToSlots(BootstrappingParameters p) {
    return HomomorphicDft.coeffsToSlots(p.ckks().logN(), p.ckks().logSlots(), p.ctsLevels(), 1.0);
  }

  private static List<LinearTransform> slotsToCoeffs(BootstrappingParameters p) {
    return HomomorphicDft.slotsToCoeffs(p.ckks().logN(), p.ckks().logSlots(), p.stcLevels(), 1.0);
  }

  /**
   * Refreshes {@code ct} (full or sparse packing, real or complex slots); the result has the
   * same scale and {@code levelsLeft()} levels.
   */
  public Ciphertext bootstrap(Ciphertext ct) {
    if (ct.degree() != 1) {
      throw new HeException("cannot bootstrap a degree-" + ct.degree() + " ciphertext: relinearize first");
    }
    if (ct.logSlots() != ckks.logSlots()) {
      throw new HeException("this bootstrapper is for 2^" + ckks.logSlots() + " slots, the ciphertext has 2^"
          + ct.logSlots());
    }
    double q0 = ckks.rlwe().qPrimes().get(0);
    Ciphertext bottom = evaluator.dropToLevelNew(ct, 0);
    // Bring the message to q_0 / 2^logMessageRatio by an exact integer factor (no level used).
    long boost = Math.max(1, Math.round(q0 / Math.scalb(ct.scale(), parameters.logMessageRatio())));
    if (boost > 1) {
      evaluator.multiplyByInteger(bottom, boost, bottom);
      bottom.setScale(ct.scale() * boost);
    }
    double inputScale = bottom.scale();
    Ciphertext raised = modRaise(bottom);
    int top = ckks.maxLevel();
    double evalModScale = ckks.rlwe().qPrimes().get(top - coeffsToSlots.size());

    // With n < N/2 slots the message lives in the subring of X^gap (gap = N/2n), but ModRaise's
    // q_0 I(X) does not: the trace keeps the coefficients at multiples of gap, times gap.
    for (int k : traceRotations(ckks)) {
      evaluator.add(raised, evaluator.rotateNew(raised, k), raised);
    }
    int gap = ckks.n() / (2 * ckks.slots());
    // Slots of v become (P_k + i P_{k+N/2}) / (2 q_0): the metadata scale does the division.
    raised.setScale(2 * q0 * gap);
    Ciphertext v = applyChain(coeffsToSlots, raised, evalModScale);
    Ciphertext conjugate = evaluator.conjugateNew(v);
    Ciphertext real = evaluator.addNew(v, conjugate);
    Ciphertext imaginary = evaluator.multiplyByINew(evaluator.subNew(conjugate, v));

    Ciphertext sinReal = sine.evaluate(evaluator, real);
    Ciphertext sinImaginary = sine.evaluate(evaluator, imaginary);
    Ciphertext combined = evaluator.addNew(sinReal, evaluator.multiplyByINew(sinImaginary));

    // sin(2 pi P / q_0) ~ 2 pi Delta m / q_0: rescale the metadata so the slots read m again.
    combined.setScale(combined.scale() * 2 * Math.PI * inputScale / q0);
    return applyChain(slotsToCoeffs, combined, ct.scale());
  }

  /**
   * Applies transforms in order, spreading the change of scale geometrically over them so each
   * diagonal keeps full precision; the last lands exactly on {@code finalScale}.
   */
  private Ciphertext applyChain(List<LinearTransform> chain, Ciphertext ct, double finalScale) {
    double logStart = Math.log(ct.scale());
    double logEnd = Math.log(finalScale);
    Ciphertext current = ct;
    for (int i = 0; i < chain.size(); i++) {
      double target = i == chain.size() - 1
          ? finalScale
          : Math.exp(logStart + (logEnd - logStart) * (i + 1) / chain.size());
      current = chain.get(i).evaluate(evaluator, encoder, current, target);
    }
    return current;
  }

  /** Encapsulation and ModRaise: a level-0 ciphertext becomes one at the top level. */
  Ciphertext modRaise(Ciphertext ct) {
    RnsPoly c0 = ct.poly(0);
    RnsPoly c1 = ct.poly(1);
    if (keys.denseToSparse() != null) {
      RnsPoly[] switched = keySwitcher.switchKey(c1, keys.denseToSparse());
      ringQ.add(switched[0], c0, switched[0]);
      c0 = switched[0];
      c1 = switched[1];
    }
    RnsPoly raised0 = raise(c0);
    RnsPoly raised1 = raise(c1);
    if (keys.sparseToDense() != null) {
      RnsPoly[] switched = keySwitcher.switchKey(raised1, keys.sparseToDense());
      ringQ.add(switched[0], raised0, switched[0]);
      raised0 = switched[0];
      raised1 = switched[1];
    }
    return new Ciphertext(new RnsPoly[] {raised0, raised1}, ct.scale(), ct.logSlots());
  }

  /** Centered residues mod q_0, as integers, in every prime of the chain (NTT form). */
  private RnsPoly raise(RnsPoly levelZero) {
    long[] coefficients = levelZero.limb(0).clone();
    ringQ.ntt(0).inverse(coefficients);
    long q0 = ringQ.modulus(0).value();
    for (int i = 0; i < coefficients.length; i++) {
      if (coefficients[i] > q0 >> 1) {
        coefficients[i] -= q0;
      }
    }
    RnsPoly out = ringQ.newPoly(ckks.maxLevel() + 1);
    ringQ.setCoefficients(coefficients, out);
    ringQ.ntt(out);
    return out;
  }
}
