package org.homocloud.he.ring;

/**
 * Converts RNS coefficients to their centered integer values as doubles, by Garner's
 * mixed-radix conversion with balanced digits: x = v_0 + q_0 (v_1 + q_1 (v_2 + ...)), each v_k
 * in (-q_k/2, q_k/2]. For a value small against Q the high digits are exactly zero, so the
 * result keeps double precision relative to |x| without any big-integer arithmetic.
 */
public final class CrtReconstruction {

  private final RnsRing ring;
  /** inverse[k][i] = q_k^-1 mod q_i for i > k, and its Shoup companion. */
  private final long[][] inverse;
  private final long[][] inverseShoup;

  public CrtReconstruction(RnsRing ring) {
    this.ring = ring;
    int count = ring.primeCount();
    inverse = new long[count][count];
    inverseShoup = new long[count][count];
    for (int k = 0; k < count; k++) {
      for (int i = k + 1; i < count; i++) {
        Modulus m = ring.modulus(i);
        inverse[k][i] = m.inverse(ring.modulus(k).value() % m.value());
        inverseShoup[k][i] = m.shoup(inverse[k][i]);
      }
    }
  }

  /** Centered values of coefficient-domain {@code poly}, over its own number of limbs. */
  public double[] toCenteredDoubles(RnsPoly poly) {
    int limbs = poly.limbCount();
    int n = poly.n();
    double[] out = new double[n];
    int chunks = Math.min(n, 64);
    int chunk = n / chunks;
    ring.parallelism().forEach(chunks, part -> {
      long[] digits = new long[limbs];
      for (int c = part * chunk; c < (part + 1) * chunk; c++) {
        for (int i = 0; i < limbs; i++) {
          digits[i] = poly.limb(i)[c];
        }
        out[c] = reconstruct(digits, limbs);
      }
    });
    return out;
  }

  private double reconstruct(long[] x, int limbs) {
    double value = 0;
    double radix = 1;
    for (int k = 0; k < limbs; k++) {
      long qk = ring.modulus(k).value();
      long v = x[k] > (qk >> 1) ? x[k] - qk : x[k];
      if (v != 0) {
        value += v * radix;
      }
      radix *= qk;
      for (int i = k + 1; i < limbs; i++) {
        Modulus m = ring.modulus(i);
        long vi = v >= 0 ? m.reduceNonNegative(v) : m.neg(m.reduceNonNegative(-v));
        x[i] = m.mulShoup(m.sub(x[i], vi), inverse[k][i], inverseShoup[k][i]);
      }
    }
    return value;
  }
}
