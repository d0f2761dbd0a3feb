package org.homocloud.he.rlwe;

import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.ring.sampling.GaussianSampler;
import org.homocloud.he.ring.sampling.TernarySampler;
import org.homocloud.he.ring.sampling.UniformSampler;
import org.homocloud.he.ring.sampling.Xof;

/**
 * Encrypts plaintexts under a public key (anyone may) or a secret key (the custodian; the
 * ciphertext's c_1 is then expanded from a public seed, halving its stored size). Semantic
 * security (IND-CPA) under RLWE. Immutable and thread-safe; with a {@link Parallelism} above one,
 * the per-limb work is spread over several threads (sampling stays on the caller's thread).
 */
public final class Encryptor {

  private final RlweParameters parameters;
  private final RnsRing ringQ;
  private final PublicKey publicKey;
  private final SecretKey secretKey;
  private final GaussianSampler gaussian;

  private Encryptor(RlweParameters parameters, PublicKey publicKey, SecretKey secretKey, Parallelism parallelism) {
    this.parameters = parameters;
    this.ringQ = parameters.ringQ().withParallelism(parallelism);
    this.publicKey = publicKey;
    this.secretKey = secretKey;
    this.gaussian = new GaussianSampler(parameters.sigma());
  }

  public static Encryptor withPublicKey(PublicKey pk) {
    return withPublicKey(pk, Parallelism.sequential());
  }

  public static Encryptor withPublicKey(PublicKey pk, Parallelism parallelism) {
    return new Encryptor(pk.parameters(), pk, null, parallelism);
  }

  public static Encryptor withSecretKey(SecretKey sk) {
    return withSecretKey(sk, Parallelism.sequential());
  }

  public static Encryptor withSecretKey(SecretKey sk, Parallelism parallelism) {
    return new Encryptor(sk.parameters(), null, sk, parallelism);
  }

  /** Encrypts {@code pt}; the ciphertext has the plaintext's level, scale and slot count. */
  public Ciphertext encrypt(Plaintext pt) {
    int limbs = pt.level() + 1;
    Xof randomness = Xof.fromSecureSeed();
    RnsPoly c0 = error(randomness, limbs);
    RnsPoly c1;
    byte[] seed = null;
    if (publicKey != null) {
      RnsPoly u = ringQ.newPoly(limbs);
      ringQ.setCoefficients(TernarySampler.dense(parameters.n(), randomness), u);
      ringQ.ntt(u);
      RnsPoly uMont = ringQ.newPoly(limbs);
      ringQ.toMontgomery(u, uMont);
      ringQ.mulMontgomeryAdd(publicKey.b(), uMont, c0);
      c1 = error(randomness, limbs);
      ringQ.mulMontgomeryAdd(publicKey.a(), uMont, c1);
    } else {
      seed = Xof.newSeed();
      c1 = ringQ.newPoly(limbs);
      UniformSampler.sample(ringQ, new Xof(seed), c1);
      RnsPoly as = ringQ.newPoly(limbs);
      ringQ.mulMontgomery(c1, secretKey.montgomeryQ(), as);
      ringQ.sub(c0, as, c0);
    }
    ringQ.add(c0, pt.value(), c0);
    Ciphertext ct = new Ciphertext(new RnsPoly[] {c0, c1}, pt.scale(), pt.logSlots());
    ct.setSeed(seed);
    return ct;
  }

  private RnsPoly error(Xof xof, int limbs) {
    RnsPoly e = ringQ.newPoly(limbs);
    ringQ.setCoefficients(gaussian.sample(parameters.n(), xof), e);
    ringQ.ntt(e);
    return e;
  }
}
