package org.homocloud.he.ring;

/**
 * The Galois automorphisms X -> X^g of Z[X]/(X^N + 1), g odd. In the NTT domain an
 * automorphism only permutes evaluation points, so it is applied as an index table.
 */
public final class Automorphism {

  private Automorphism() {}

  /**
   * Index table for the NTT domain: {@code out[i] = in[table[i]]}. With the bit-reversed
   * output order of {@link Ntt}, slot i holds f(psi^(2 brv(i) + 1)), and sigma_g(f) there equals
   * f(psi^(g (2 brv(i) + 1))).
   */
  public static int[] nttIndexTable(int logN, long galoisElement) {
    int n = 1 << logN;
    long mask = (2L << logN) - 1;
    int[] table = new int[n];
    for (int i = 0; i < n; i++) {
      long exponent = 2L * BitReversal.reverse(i, logN) + 1;
      long mapped = (galoisElement * exponent) & mask;
      table[i] = BitReversal.reverse((int) ((mapped - 1) >> 1), logN);
    }
    return table;
  }

  /** Applies an NTT-domain index table to every limb. {@code in} and {@code out} must differ. */
  public static void applyNtt(RnsPoly in, int[] table, RnsPoly out, Parallelism parallelism) {
    int n = in.n();
    parallelism.forEach(out.limbCount(), l -> {
      long[] x = in.limb(l);
      long[] z = out.limb(l);
      for (int i = 0; i < n; i++) {
        z[i] = x[table[i]];
      }
    });
  }

  /** Applies X -> X^g to coefficient-domain limbs. {@code in} and {@code out} must differ. */
  public static void applyCoefficients(RnsRing ring, RnsPoly in, long galoisElement, RnsPoly out) {
    int n = in.n();
    long mask = 2L * n - 1;
    ring.forEachLimb(out.limbCount(), l -> {
      Modulus m = ring.modulus(l);
      long[] x = in.limb(l);
      long[] z = out.limb(l);
      for (int i = 0; i < n; i++) {
        long target = (galoisElement * i) & mask;
        if (target < n) {
          z[(int) target] = x[i];
        } else {
          z[(int) (target - n)] = m.neg(x[i]);
        }
      }
    });
  }
}
