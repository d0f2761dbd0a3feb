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
    int t = n;
    for (int m = 1; m < n; m <<= 1) {
      t >>= 1;
      for (int i = 0; i < m; i++) {
        final long w = psiRev[m + i];
        final long wShoup = psiRevShoup[m + i];
        final int j1 = 2 * i * t;
        final int j2 = j1 + t;
        for (int j = j1; j < j2; j++) {
          long u = a[j];
          u -= twoQ;
          u += (u >> 63) & twoQ;
          long x = a[j + t];
          long v = x * w - (Math.multiplyHigh(x, wShoup) + (x & (wShoup >> 63))) * q;
          a[j] = u + v;
          a[j + t] = u - v + twoQ;
        }
      }
    }
    for (int j = 0; j < n; j++) {
      long x = a[j];
      x -= twoQ;
      x += (x >> 63) & twoQ;
      x -= q;
      x += (x >> 63) & q;
      a[j] = x;
    }
  }

  /** In-place inverse transform; input in [0, q) (bit-reversed order), output in [0, q). */
  public void inverse(long[] a) {
    final long q = modulus.value();
    final long twoQ = q << 1;
    int t = 1;
    for (int m = n; m > 2; m >>= 1) {
      final int h = m >> 1;
      int j1 = 0;
      for (int i = 0; i < h; i++) {
        final long w = psiInvRev[h + i];
        final long wShoup = psiInvRevShoup[h + i];
        final int j2 = j1 + t;
        for (int j = j1; j < j2; j++) {
          long u = a[j];
          long v = a[j + t];
          long s = u + v - twoQ;
          a[j] = s + ((s >> 63) & twoQ);
          long d = u - v + twoQ;
          a[j + t] = d * w - (Math.multiplyHigh(d, wShoup) + (d & (wShoup >> 63))) * q;
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
