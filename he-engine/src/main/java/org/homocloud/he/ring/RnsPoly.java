package org.homocloud.he.ring;

import org.homocloud.he.HeException;
import java.util.Arrays;

/**
 * A polynomial of Z[X]/(X^N + 1) in residue-number-system form: one array of N residues per
 * prime of a modulus chain. Whether the residues are coefficients or NTT evaluations is known
 * by the code that holds it (ciphertexts are always kept in NTT form). Mutable by design, like
 * a buffer; the layers above expose immutable values.
 */
public final class RnsPoly {

  private final long[][] limbs;

  public RnsPoly(int n, int limbCount) {
    if (limbCount < 1) {
      throw new HeException("a polynomial needs at least one limb: " + limbCount);
    }
    limbs = new long[limbCount][n];
  }

  /** Wraps the given arrays without copying them. */
  public RnsPoly(long[][] limbs) {
    if (limbs.length < 1) {
      throw new HeException("a polynomial needs at least one limb");
    }
    this.limbs = limbs;
  }

  public int n() {
    return limbs[0].length;
  }

  public int limbCount() {
    return limbs.length;
  }

  /** Level of a polynomial over a Q chain: its limb count minus one. */
  public int level() {
    return limbs.length - 1;
  }

  public long[] limb(int i) {
    return limbs[i];
  }

  /** The limb arrays themselves (not copies), for kernels that work across limbs. */
  public long[][] limbs() {
    return limbs;
  }

  public RnsPoly copy() {
    return copyLimbs(limbs.length);
  }

  /** A copy of the first {@code count} limbs: the same polynomial at a lower level. */
  public RnsPoly copyLimbs(int count) {
    long[][] copy = new long[count][];
    for (int i = 0; i < count; i++) {
      copy[i] = limbs[i].clone();
    }
    return new RnsPoly(copy);
  }

  /** Shares the first {@code count} limbs with this polynomial, without copying. */
  public RnsPoly viewLimbs(int count) {
    return count == limbs.length ? this : new RnsPoly(Arrays.copyOf(limbs, count));
  }

  public void copyFrom(RnsPoly other) {
    for (int i = 0; i < limbs.length; i++) {
      System.arraycopy(other.limbs[i], 0, limbs[i], 0, limbs[i].length);
    }
  }

  public void zero() {
    for (long[] limb : limbs) {
      Arrays.fill(limb, 0);
    }
  }

  /** Exact equality of residues; for tests and integrity checks, not for secrets. */
  public boolean sameResidues(RnsPoly other) {
    if (other.limbs.length != limbs.length) {
      return false;
    }
    for (int i = 0; i < limbs.length; i++) {
      if (!Arrays.equals(limbs[i], other.limbs[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "RnsPoly(N=" + n() + ", limbs=" + limbs.length + ")";
  }
}
