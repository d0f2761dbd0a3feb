package org.homocloud.he.rlwe;

import org.homocloud.he.ring.RnsPoly;

/** An encoded message: a polynomial over Q_level in NTT form, with its scale and slot count. */
public final class Plaintext {

  private final RnsPoly value;
  private final double scale;
  private final int logSlots;

  public Plaintext(RnsPoly value, double scale, int logSlots) {
    this.value = value;
    this.scale = scale;
    this.logSlots = logSlots;
  }

  public RnsPoly value() {
    return value;
  }

  public int level() {
    return value.level();
  }

  public double scale() {
    return scale;
  }

  public int logSlots() {
    return logSlots;
  }
}
