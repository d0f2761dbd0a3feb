package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import org.homocloud.he.ring.RnsPoly;

/** An RLWE public key (b, a) = (-a*s + e, a) over Q, in NTT form. Safe to publish. */
public final class PublicKey {

  private final RlweParameters parameters;
  private final RnsPoly b;
  private final RnsPoly a;

  public PublicKey(RlweParameters parameters, RnsPoly b, RnsPoly a) {
    int limbs = parameters.qPrimes().size();
    if (b.limbCount() != limbs || a.limbCount() != limbs || b.n() != parameters.n() || a.n() != parameters.n()) {
      throw new HeException("public key polynomials do not match the parameters");
    }
    this.parameters = parameters;
    this.b = b;
    this.a = a;
  }

  public RlweParameters parameters() {
    return parameters;
  }

  public RnsPoly b() {
    return b;
  }

  public RnsPoly a() {
    return a;
  }
}
