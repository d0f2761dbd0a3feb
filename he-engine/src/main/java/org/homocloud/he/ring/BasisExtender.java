package org.homocloud.he.ring;

import java.math.BigInteger;

/**
 * Fast (approximate) basis conversion of coefficient-domain residues from a source set of
 * primes Q' to a target set P' (Halevi-Polyakov-Shoup): x_j = sum_i [a_i * (Q'/q_i)^-1]_{q_i}
 * * (Q'/q_i) mod p_j. The result may be off by a small multiple u * Q' with u below the number
 * of source primes, which key switching and ModDown tolerate by design.
 *
 * <p>Each output is accumulated as an unsigned 128-bit sum and reduced once: the target
 * constants are kept in Montgomery form so that one Montgomery reduction of the 128-bit sum
 * yields the residue. Immutable.
 */
public final class BasisExtender {

  private final Modulus[] source;
  private final Modulus[] target;
  private final long[] qHatInv;
  private final long[] qHatInvShoup;
  /** qHatMontgomery[j][i] = (Q'/q_i) * 2^64 mod p_j. */
  private final long[][] qHatMontgomery;

  public BasisExtender(Modulus[] source, Modulus[] target) {
    this.source = source.clone();
    this.target = target.clone();
    BigInteger product = BigInteger.ONE;
    for (Modulus q : source) {
      product = product.multiply(BigInteger.valueOf(q.value()));
    }
    qHatInv = new long[source.length];
    qHatInvShoup = new long[source.length];
    qHatMontgomery = new long[target.length][source.length];
    for (int i = 0; i < source.length; i++) {
      BigInteger qi = BigInteger.valueOf(source[i].value());
      BigInteger qHat = product.divide(qi);
      qHatInv[i] = qHat.mod(qi).modInverse(qi).longValue();
      qHatInvShoup[i] = source[i].shoup(qHatInv[i]);
      for (int j = 0; j < target.length; j++) {
        BigInteger pj = BigInteger.valueOf(target[j].value());
        qHatMontgomery[j][i] = qHat.shiftLeft(64).mod(pj).longValue();
      }
    }
  }

  public int sourceCount() {
    return source.length;
  }

  public int targetCount() {
    return target.length;
  }

  /**
   * Converts coefficient-domain limbs {@code in[0..sourceCount)} to the listed targets: for each
   * t in {@code targets}, {@code out[t]} receives the residues modulo target prime t.
   *
   * <p>Works through the coefficients in blocks of {@value #BLOCK}: the scaled source residues of
   * one block are laid out coefficient by coefficient in a buffer small enough for the L1 cache,
   * then every target reads them from there. Target by target over whole limbs would stream
   * all source limbs from memory once per target. Blocks are also the unit of parallel work.
   */
  public void extend(long[][] in, long[][] out, int[] targets, Parallelism parallelism) {
    int n = in[0].length;
    int blocks = (n + BLOCK - 1) / BLOCK;
    parallelism.forEach(blocks, b -> extendBlock(in, out, targets, b * BLOCK, Math.min(n, (b + 1) * BLOCK)));
  }

  /** Coefficients per block: k source residues of this many coefficients fit in 16 KB for k <= 8. */
  private static final int BLOCK = 256;

  private void extendBlock(long[][] in, long[][] out, int[] targets, int from, int to) {
    int k = source.length;
    int size = to - from;
    // scaled[c * k + i] = [a_i * (Q'/q_i)^-1]_{q_i} for coefficient from + c.
    long[] scaled = new long[size * k];
    for (int i = 0; i < k; i++) {
      Modulus q = source[i];
      long w = qHatInv[i];
      long wShoup = qHatInvShoup[i];
      long[] a = in[i];
      for (int c = 0; c < size; c++) {
        scaled[c * k + i] = q.mulShoup(a[from + c], w, wShoup);
      }
    }
    for (int j : targets) {
      Modulus p = target[j];
      long pv = p.value();
      long pInv = p.qInvMod2to64();
      long oneShoup = p.shoupOfOne();
      long[] constants = qHatMontgomery[j];
      long[] z = out[j];
      for (int c = 0; c < size; c++) {
        int base = c * k;
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < k; i++) {
          long y = scaled[base + i];
          long w = constants[i];
          long productLo = y * w;
          hi += Math.multiplyHigh(y, w);
          lo += productLo;
          hi += Long.compareUnsigned(lo, productLo) < 0 ? 1 : 0;
        }
        // (hi * 2^64 + lo) * 2^-64 = hi + lo * 2^-64 (mod p).
        long hiReduced = p.reduceOnce(Modulus.mulShoupLazy(hi, 1, oneShoup, pv));
        long loPart = Modulus.montgomeryReduce(0, lo, pv, pInv);
        z[from + c] = p.add(hiReduced, loPart);
      }
    }
  }
}
