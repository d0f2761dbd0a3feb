package org.homocloud.he.rlwe;

import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;

/** Decrypts with the secret key: m = c_0 + c_1*s (+ c_2*s^2 ...), in NTT form. Thread-safe. */
public final class Decryptor {

  private final RnsRing ringQ;
  private final SecretKey secretKey;

  public Decryptor(SecretKey secretKey) {
    this(secretKey, Parallelism.sequential());
  }

  /** A decryptor that spreads its per-limb work over up to {@code parallelism} threads. */
  public Decryptor(SecretKey secretKey, Parallelism parallelism) {
    this.secretKey = secretKey;
    this.ringQ = secretKey.parameters().ringQ().withParallelism(parallelism);
  }

  public Plaintext decrypt(Ciphertext ct) {
    int limbs = ct.level() + 1;
    RnsPoly m = ct.poly(ct.degree()).copy();
    // Horner: m = (...(c_d * s + c_{d-1}) * s + ...) + c_0.
    for (int i = ct.degree() - 1; i >= 0; i--) {
      RnsPoly next = ringQ.newPoly(limbs);
      ringQ.mulMontgomery(m, secretKey.montgomeryQ(), next);
      ringQ.add(next, ct.poly(i), next);
      m = next;
    }
    return new Plaintext(m, ct.scale(), ct.logSlots());
  }
}
