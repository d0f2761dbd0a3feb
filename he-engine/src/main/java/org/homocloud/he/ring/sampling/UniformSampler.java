package org.homocloud.he.ring.sampling;

import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;

/** Uniform residues in [0, q_i), by rejection from the XOF; limb by limb, in a fixed order. */
public final class UniformSampler {

  private UniformSampler() {}

  /** Fills every limb of {@code out} (limb i modulo the ring's i-th prime). */
  public static void sample(RnsRing ring, Xof xof, RnsPoly out) {
    sample(ring, 0, xof, out);
  }

  /** Fills limb l of {@code out} modulo the ring's prime {@code firstPrime + l}. */
  public static void sample(RnsRing ring, int firstPrime, Xof xof, RnsPoly out) {
    int n = out.n();
    for (int l = 0; l < out.limbCount(); l++) {
      long q = ring.modulus(firstPrime + l).value();
      long mask = -1L >>> Long.numberOfLeadingZeros(q);
      long[] z = out.limb(l);
      for (int j = 0; j < n; ) {
        long candidate = xof.nextLong() & mask;
        if (candidate < q) {
          z[j++] = candidate;
        }
      }
    }
  }
}
