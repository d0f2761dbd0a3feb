package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import java.util.Optional;
import org.homocloud.he.ring.RnsPoly;

/**
 * An RLWE ciphertext (c_0, c_1[, c_2]) over Q_level in NTT form, with the metadata a decoder
 * needs: the scale of the encrypted message and the number of slots (log2). A mutable holder,
 * like Lattigo's: evaluator methods of the {@code op(a, b, out)} form overwrite {@code out}.
 */
public final class Ciphertext {

  private RnsPoly[] polys;
  private double scale;
  private int logSlots;
  private byte[] seed;

  public Ciphertext(RnsPoly[] polys, double scale, int logSlots) {
    set(polys, scale, logSlots);
  }

  /** Replaces the content of this ciphertext. */
  public void set(RnsPoly[] newPolys, double newScale, int newLogSlots) {
    if (newPolys.length < 2) {
      throw new HeException("a ciphertext has at least two polynomials");
    }
    for (RnsPoly p : newPolys) {
      if (p.limbCount() != newPolys[0].limbCount()) {
        throw new HeException("ciphertext polynomials differ in level");
      }
    }
    this.polys = newPolys.clone();
    this.scale = newScale;
    this.logSlots = newLogSlots;
    this.seed = null;
  }

  public void copyFrom(Ciphertext other) {
    RnsPoly[] copies = new RnsPoly[other.polys.length];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = other.polys[i].copy();
    }
    set(copies, other.scale, other.logSlots);
    this.seed = other.seed;
  }

  public Ciphertext copy() {
    Ciphertext c = new Ciphertext(polys, scale, logSlots);
    c.copyFrom(this);
    return c;
  }

  /** Number of polynomials minus one: 1 for a fresh ciphertext, 2 after a raw product. */
  public int degree() {
    return polys.length - 1;
  }

  public int level() {
    return polys[0].level();
  }

  public RnsPoly poly(int i) {
    return polys[i];
  }

  public double scale() {
    return scale;
  }

  public void setScale(double value) {
    this.scale = value;
  }

  public int logSlots() {
    return logSlots;
  }

  public int n() {
    return polys[0].n();
  }

  /** Marks c_1 as expanded from this public seed, so a serializer may store the seed instead. */
  public void setSeed(byte[] value) {
    this.seed = value == null ? null : value.clone();
  }

  public Optional<byte[]> seed() {
    return Optional.ofNullable(seed).map(byte[]::clone);
  }

  @Override
  public String toString() {
    return String.format("Ciphertext(degree=%d, level=%d, log2(scale)=%.2f, logSlots=%d)",
        degree(), level(), Math.log(scale) / Math.log(2), logSlots);
  }
}
