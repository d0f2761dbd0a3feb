package org.homocloud.he.ring;

import org.homocloud.he.HeException;

/**
 * Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1) for one prime q.
 *
 * <p>Forward: Cooley-Tukey with the twiddles psi^brv(i) merged in (Longa-Naehrig), output in
 * bit-reversed order, so that {@code a[i] = f(psi^(2 brv(i) + 1))}. Inverse: Gentleman-Sande.
 * Butterflies use Shoup multiplication and Harvey's lazy reduction: intermediate values stay
 * in [0, 4q) (forward) or [0, 2q) (inverse) and are fully reduced once at the end. Immutable.
 */
public final class Ntt {

  private final Modulus modulus;
  private final int n;
  private final int logN;
  private final long[] psiRev;
  private final long[] psiRevShoup;
  private final long[] psiInvRev;
  private final long[] psiInvRevShoup;
  private final long nInv;
  private final long nInvShoup;
  /** psiInvRev[1] * n^-1, used to fold the final scaling into the last inverse stage. */
  private final long lastTwiddleTimesNInv;
  private final long lastTwiddleTimesNInvShoup;

  public Ntt(Modulus modulus, int logN) {
    if (logN < 1 || logN > 17) {
      throw new HeException("logN must be in [1, 17]: " + logN);
    }
    long q = modulus.value();
    long twoN = 2L << logN;
    if ((q - 1) % twoN != 0) {
      throw new HeException(
          "modulus " + q + " is not 1 mod 2N = " + twoN + ": no negacyclic NTT");
    }
    this.modulus = modulus;
    this.logN = logN;
    this.n = 1 << logN;
    long psi = Primes.primitiveRoot2N(modulus, logN);
    long psiInv = modulus.inverse(psi);
    psiRev = new long[n];
    psiRevShoup = new long[n];
    psiInvRev = new long[n];
    psiInvRevShoup = new long[n];
    long power = 1;
    long powerInv = 1;
    for (int i = 0; i < n; i++) {
      int r = BitReversal.reverse(i, logN);
      psiRev[r] = power;
      psiInvRev[r] = powerInv;
      power = modulus.mul(power, psi);
      powerInv = modulus.mul(powerInv, psiInv);
    }
    for (int i = 0; i < n; i++) {
      psiRevShoup[i] = modulus.shoup(psiRev[i]);
      psiInvRevShoup[i] = modulus.shoup(psiInvRev[i]);
    }
    nInv = modulus.inverse(n);
    nInvShoup = modulus.shoup(nInv);
    lastTwiddleTimesNInv = modulus.mul(psiInvRev[1], nInv);
    lastTwiddleTimesNInvShoup = modulus.shoup(lastTwiddleTimesNInv);
  }

  public Modulus modulus() {
    return modulus;
  }

  public int n() {
    return n;
  }

  public int logN() {
    return logN;
  }

  /** In-place forward transform; input coefficients in [0, q), output in [0, q). */
  public void forward(long[] a) {
    final long q = modulus.value();
    final long twoQ = q << 1;
    if (n < 4) {
      forwardStage(a, 1, n >> 1, q, twoQ);
      for (int j = 0; j < n; j++) {
        a[j] = reduceFrom4q(a[j], q, twoQ);
      }
      return;
    }
    // Every stage but the last two, which are fused below: their butterflies span only 2 and 1
    // positions, so a per-twiddle inner loop would cost more than the butterflies themselves.
    int t = n;
    for (int m = 1; m < n >> 2; m <<= 1) {
      t >>= 1;
      forwardStage(a, m, t, q, twoQ);
    }
    final int quarter = n >> 2;
    final int half = n >> 1;
    for (int i = 0; i < quarter; i++) {
      final int j = 4 * i;
      // Stage t = 2: (j, j+2) and (j+1, j+3) with one twiddle.
      final long w = psiRev[quarter + i];
      final long wShoup = psiRevShoup[quarter + i];
      long u0 = reduceFrom4qTo2q(a[j], twoQ);
      long u1 = reduceFrom4qTo2q(a[j + 1], twoQ);
      long v0 = mulShoupLazy(a[j + 2], w, wShoup, q);
      long v1 = mulShoupLazy(a[j + 3], w, wShoup, q);
      long b0 = u0 + v0;
      long b1 = u1 + v1;
      long b2 = u0 - v0 + twoQ;
      long b3 = u1 - v1 + twoQ;
      // Stage t = 1: (j, j+1) and (j+2, j+3), each with its own twiddle; then full reduction.
      final long w1 = psiRev[half + 2 * i];
      final long w1Shoup = psiRevShoup[half + 2 * i];
      final long w2 = psiRev[half + 2 * i + 1];
      final long w2Shoup = psiRevShoup[half + 2 * i + 1];
      long c0 = reduceFrom4qTo2q(b0, twoQ);
      long d0 = mulShoupLazy(b1, w1, w1Shoup, q);
      long c2 = reduceFrom4qTo2q(b2, twoQ);
      long d2 = mulShoupLazy(b3, w2, w2Shoup, q);
      a[j] = reduceFrom4q(c0 + d0, q, twoQ);
      a[j + 1] = reduceFrom4q(c0 - d0 + twoQ, q, twoQ);
      a[j + 2] = reduceFrom4q(c2 + d2, q, twoQ);
      a[j + 3] = reduceFrom4q(c2 - d2 + twoQ, q, twoQ);
    }
  }

  /** One Cooley-Tukey stage with m twiddles and butterfly span t; values stay in [0, 4q). */
  private void forwardStage(long[] a, int m, int t, long q, long twoQ) {
    for (int i = 0; i < m; i++) {
      final long w = psiRev[m + i];
      final long wShoup = psiRevShoup[m + i];
      final int j1 = 2 * i * t;
      final int j2 = j1 + t;
      for (int j = j1; j < j2; j++) {
        long u = reduceFrom4qTo2q(a[j], twoQ);
        long v = mulShoupLazy(a[j + t], w, wShoup, q);
        a[j] = u + v;
        a[j + t] = u - v + twoQ;
      }
    }
  }

  /** x * w mod q in [0, 2q) for x in [0, 4q), with Shoup's companion of w (unsigned). */
  private static long mulShoupLazy(long x, long w, long wShoup, long q) {
    return x * w - (Math.multiplyHigh(x, wShoup) + (x & (wShoup >> 63))) * q;
  }

  /** Reduces a value in [0, 4q) to [0, 2q). */
  private static long reduceFrom4qTo2q(long x, long twoQ) {
    x -= twoQ;
    return x + ((x >> 63) & twoQ);
  }

  /** Reduces a value in [0, 4q) to [0, q). */
  private static long reduceFrom4q(long x, long q, long twoQ) {
    x -= twoQ;
    x += (x >> 63) & twoQ;
    x -= q;
    x += (x >> 63) & q;
    return x;
  }

  /** In-place inverse transform; input in [0, q) (bit-reversed order), output in [0, q). */
  public void inverse(long[] a) {
    final long q = modulus.value();
    final long twoQ = q << 1;
    int t = 1;
    int m = n;
    if (n >= 8) {
      // The first two stages fused (butterfly spans 1 and 2), as in the forward transform.
      final int half = n >> 1;
      final int quarter = n >> 2;
      for (int i = 0; i < quarter; i++) {
        final int j = 4 * i;
        final long w1 = psiInvRev[half + 2 * i];
        final long w1Shoup = psiInvRevShoup[half + 2 * i];
        final long w2 = psiInvRev[half + 2 * i + 1];
        final long w2Shoup = psiInvRevShoup[half + 2 * i + 1];
        long x0 = a[j];
        long x1 = a[j + 1];
        long x2 = a[j + 2];
        long x3 = a[j + 3];
        long b0 = reduceFrom4qTo2q(x0 + x1, twoQ);
        long b1 = mulShoupLazy(x0 - x1 + twoQ, w1, w1Shoup, q);
        long b2 = reduceFrom4qTo2q(x2 + x3, twoQ);
        long b3 = mulShoupLazy(x2 - x3 + twoQ, w2, w2Shoup, q);
        final long w = psiInvRev[quarter + i];
        final long wShoup = psiInvRevShoup[quarter + i];
        a[j] = reduceFrom4qTo2q(b0 + b2, twoQ);
        a[j + 2] = mulShoupLazy(b0 - b2 + twoQ, w, wShoup, q);
        a[j + 1] = reduceFrom4qTo2q(b1 + b3, twoQ);
        a[j + 3] = mulShoupLazy(b1 - b3 + twoQ, w, wShoup, q);
      }
      t = 4;
      m = quarter;
    }
    for (; m > 2; m >>= 1) {
      final int h = m >> 1;
      int j1 = 0;
      for (int i = 0; i < h; i++) {
        final long w = psiInvRev[h + i];
        final long wShoup = psiInvRevShoup[h + i];
        final int j2 = j1 + t;
        for (int j = j1; j < j2; j++) {
          long u = a[j];
          long v = a[j + t];
          a[j] = reduceFrom4qTo2q(u + v, twoQ);
          a[j + t] = mulShoupLazy(u - v + twoQ, w, wShoup, q);
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    // Last stage, with the 1/N scaling folded in.
    final long w = lastTwiddleTimesNInv;
    final long wShoup = lastTwiddleTimesNInvShoup;
    final int half = n >> 1;
    for (int j = 0; j < half; j++) {
      long u = a[j];
      long v = a[j + half];
      long s = u + v;
      long sum = s * nInv - (Math.multiplyHigh(s, nInvShoup) + (s & (nInvShoup >> 63))) * q;
      sum -= q;
      sum += (sum >> 63) & q;
      long d = u - v + twoQ;
      long diff = d * w - (Math.multiplyHigh(d, wShoup) + (d & (wShoup >> 63))) * q;
      diff -= q;
      diff += (diff >> 63) & q;
      a[j] = sum;
      a[j + half] = diff;
    }
  }
}
