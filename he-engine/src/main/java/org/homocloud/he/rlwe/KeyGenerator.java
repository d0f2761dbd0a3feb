package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import org.homocloud.he.ring.Automorphism;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.ring.sampling.GaussianSampler;
import org.homocloud.he.ring.sampling.TernarySampler;
import org.homocloud.he.ring.sampling.UniformSampler;
import org.homocloud.he.ring.sampling.Xof;

/**
 * Generates secret, public and evaluation keys. Secrets and errors come from fresh seeds of the
 * platform's secure generator; the uniform "a" parts of public material are expanded from
 * public seeds so they can be stored as the seed alone. Immutable and thread-safe.
 */
public final class KeyGenerator {

  private final RlweParameters parameters;
  private final RnsRing ringQ;
  private final RnsRing ringP;
  private final GaussianSampler gaussian;

  public KeyGenerator(RlweParameters parameters) {
    this.parameters = parameters;
    this.ringQ = parameters.ringQ();
    this.ringP = parameters.ringP();
    this.gaussian = new GaussianSampler(parameters.sigma());
  }

  /** A secret key drawn from the parameters' secret distribution. */
  public SecretKey generateSecretKey() {
    return generateSecretKey(parameters.secretDistribution());
  }

  /** A secret key with the given distribution (for example an ephemeral sparse secret). */
  public SecretKey generateSecretKey(SecretDistribution distribution) {
    Xof xof = Xof.fromSecureSeed();
    long[] coefficients = distribution.isDense()
        ? TernarySampler.dense(parameters.n(), xof)
        : TernarySampler.sparse(parameters.n(), distribution.hammingWeight(), xof);
    return new SecretKey(parameters, coefficients);
  }

  public PublicKey generatePublicKey(SecretKey sk) {
    RnsPoly a = ringQ.newPoly();
    UniformSampler.sample(ringQ, new Xof(Xof.newSeed()), a);
    RnsPoly b = errorPoly(ringQ, Xof.fromSecureSeed());
    RnsPoly as = ringQ.newPoly();
    ringQ.mulMontgomery(a, sk.montgomeryQ(), as);
    ringQ.sub(b, as, b);
    return new PublicKey(parameters, b, a);
  }

  public RelinearizationKey generateRelinearizationKey(SecretKey sk) {
    return generateRelinearizationKey(sk, parameters.maxLevel());
  }

  /** A relinearization key usable up to {@code maxLevel} (smaller when no higher level needs it). */
  public RelinearizationKey generateRelinearizationKey(SecretKey sk, int maxLevel) {
    checkLevel(maxLevel);
    RnsPoly s2 = ringQ.newPoly();
    ringQ.mulMontgomery(sk.nttQ(), sk.montgomeryQ(), s2);
    return new RelinearizationKey(generateSwitchingKey(s2, sk, maxLevel));
  }

  /** Key for the automorphism X -> X^g: switches from sigma_g(s) to s. */
  public GaloisKey generateGaloisKey(SecretKey sk, long galoisElement) {
    return generateGaloisKey(sk, galoisElement, parameters.maxLevel());
  }

  /** A Galois key usable up to {@code maxLevel}: fewer limbs and digits when used low only. */
  public GaloisKey generateGaloisKey(SecretKey sk, long galoisElement, int maxLevel) {
    checkLevel(maxLevel);
    int[] table = Automorphism.nttIndexTable(parameters.logN(), galoisElement);
    RnsPoly permuted = ringQ.newPoly();
    Automorphism.applyNtt(sk.nttQ(), table, permuted, ringQ.parallelism());
    return new GaloisKey(galoisElement, generateSwitchingKey(permuted, sk, maxLevel));
  }

  private void checkLevel(int maxLevel) {
    if (maxLevel < 0 || maxLevel > parameters.maxLevel()) {
      throw new HeException("key level must be in [0, " + parameters.maxLevel() + "]: " + maxLevel);
    }
  }

  /** Switching key from {@code from} to {@code to}, over the full Q chain. */
  public SwitchingKey generateSwitchingKey(SecretKey from, SecretKey to) {
    return generateSwitchingKey(from.nttQ(), to, parameters.maxLevel());
  }

  /**
   * Switching key from {@code from} to {@code to} that works up to {@code maxLevel} only: it
   * holds Q primes 0..maxLevel and P. A key towards a sparse secret must be made this way at
   * the lowest level it is used at: RLWE with a sparse secret under a large modulus is weak,
   * which is why Lattigo 6.1.1 moved its dense-to-sparse bootstrapping key to level 0.
   */
  public SwitchingKey generateSwitchingKey(SecretKey from, SecretKey to, int maxLevel) {
    checkLevel(maxLevel);
    return generateSwitchingKey(from.nttQ(), to, maxLevel);
  }

  /**
   * Switching key from s' (given in NTT form over Q) to {@code sk}: digit j holds
   * (-a_j*s + e_j + P*[j-th idempotent]*s', a_j) over Q_maxLevel*P. Stored in Montgomery form.
   * The a_j are expanded from one public seed, digit by digit, Q limbs then P limbs.
   */
  SwitchingKey generateSwitchingKey(RnsPoly sPrimeNttQ, SecretKey sk, int maxLevel) {
    int digits = parameters.digitCount(maxLevel);
    int qLimbs = maxLevel + 1;
    int alpha = parameters.primesPerDigit();
    byte[] seed = Xof.newSeed();
    Xof uniform = new Xof(seed);
    Xof errors = Xof.fromSecureSeed();
    RnsPoly[] bQ = new RnsPoly[digits];
    RnsPoly[] bP = new RnsPoly[digits];
    RnsPoly[] aQ = new RnsPoly[digits];
    RnsPoly[] aP = new RnsPoly[digits];
    RnsPoly sMontP = ringP.newPoly();
    ringP.toMontgomery(sk.nttP(), sMontP);
    for (int j = 0; j < digits; j++) {
      RnsPoly aq = ringQ.newPoly(qLimbs);
      RnsPoly ap = ringP.newPoly();
      UniformSampler.sample(ringQ, uniform, aq);
      UniformSampler.sample(ringP, uniform, ap);
      long[] e = gaussian.sample(parameters.n(), errors);
      RnsPoly bq = ringQ.newPoly(qLimbs);
      RnsPoly bp = ringP.newPoly();
      ringQ.setCoefficients(e, bq);
      ringQ.ntt(bq);
      ringP.setCoefficients(e, bp);
      ringP.ntt(bp);
      RnsPoly product = ringQ.newPoly(qLimbs);
      ringQ.mulMontgomery(aq, sk.montgomeryQ(), product);
      ringQ.sub(bq, product, bq);
      RnsPoly productP = ringP.newPoly();
      ringP.mulMontgomery(ap, sMontP, productP);
      ringP.sub(bp, productP, bp);
      int start = j * alpha;
      int end = Math.min(start + alpha, qLimbs);
      for (int i = start; i < end; i++) {
        Modulus m = ringQ.modulus(i);
        long pModQ = parameters.pProduct().mod(java.math.BigInteger.valueOf(m.value())).longValue();
        long pShoup = m.shoup(pModQ);
        long[] target = bq.limb(i);
        long[] sPrime = sPrimeNttQ.limb(i);
        for (int k = 0; k < target.length; k++) {
          target[k] = m.add(target[k], m.mulShoup(sPrime[k], pModQ, pShoup));
        }
      }
      ringQ.toMontgomery(bq, bq);
      ringQ.toMontgomery(aq, aq);
      ringP.toMontgomery(bp, bp);
      ringP.toMontgomery(ap, ap);
      bQ[j] = bq;
      bP[j] = bp;
      aQ[j] = aq;
      aP[j] = ap;
    }
    return new SwitchingKey(bQ, bP, aQ, aP, seed);
  }

  private RnsPoly errorPoly(RnsRing ring, Xof xof) {
    RnsPoly e = ring.newPoly();
    ring.setCoefficients(gaussian.sample(parameters.n(), xof), e);
    ring.ntt(e);
    return e;
  }
}
