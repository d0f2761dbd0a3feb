package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import java.util.Optional;
import org.homocloud.he.ring.RnsPoly;

/**
 * A hybrid key-switching key from a secret s' to s: for each digit j of the Q chain, a pair
 * (b_j, a_j) over Q*P with b_j = -a_j*s + e_j + P*[digit-j idempotent]*s'. Polynomials are in
 * NTT and Montgomery form, ready for inner products. When the a_j were expanded from a public
 * seed, the seed is kept so the key can be stored at half size. Public material.
 */
public final class SwitchingKey {

  private final RnsPoly[] bQ;
  private final RnsPoly[] bP;
  private final RnsPoly[] aQ;
  private final RnsPoly[] aP;
  private final byte[] seed;

  public SwitchingKey(RnsPoly[] bQ, RnsPoly[] bP, RnsPoly[] aQ, RnsPoly[] aP, byte[] seed) {
    if (bQ.length == 0 || bQ.length != bP.length || bQ.length != aQ.length || bQ.length != aP.length) {
      throw new HeException("switching key digit arrays differ in length");
    }
    this.bQ = bQ;
    this.bP = bP;
    this.aQ = aQ;
    this.aP = aP;
    this.seed = seed == null ? null : seed.clone();
  }

  public int digitCount() {
    return bQ.length;
  }

  public RnsPoly bQ(int digit) {
    return bQ[digit];
  }

  public RnsPoly bP(int digit) {
    return bP[digit];
  }

  public RnsPoly aQ(int digit) {
    return aQ[digit];
  }

  public RnsPoly aP(int digit) {
    return aP[digit];
  }

  /** The public seed the a_j were expanded from, if any. */
  public Optional<byte[]> seed() {
    return Optional.ofNullable(seed).map(byte[]::clone);
  }
}
