package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.homocloud.he.ring.BasisExtender;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;

/**
 * Hybrid key switching (Han-Ki): decompose a polynomial into digits of alpha Q primes, raise
 * each digit to Q_l*P by fast basis extension (ModUp), take the inner product with a switching
 * key, and divide by P (ModDown). The decomposition can be computed once and reused for many
 * keys and automorphisms (hoisting). Immutable and thread-safe.
 */
public final class KeySwitcher {

  private final RlweParameters parameters;
  private final RnsRing ringQ;
  private final RnsRing ringP;
  private final Parallelism parallelism;
  private final BasisExtender pToQ;
  private final long[] pInverseModQ;
  private final long[] pInverseModQShoup;
  private final Map<Long, BasisExtender[]> digitExtenders = new ConcurrentHashMap<>();

  public KeySwitcher(RlweParameters parameters, Parallelism parallelism) {
    this.parameters = parameters;
    this.parallelism = parallelism;
    this.ringQ = parameters.ringQ().withParallelism(parallelism);
    this.ringP = parameters.ringP().withParallelism(parallelism);
    Modulus[] q = moduli(ringQ, 0, ringQ.primeCount());
    Modulus[] p = moduli(ringP, 0, ringP.primeCount());
    this.pToQ = new BasisExtender(p, q);
    BigInteger bigP = parameters.pProduct();
    pInverseModQ = new long[q.length];
    pInverseModQShoup = new long[q.length];
    for (int i = 0; i < q.length; i++) {
      BigInteger qi = BigInteger.valueOf(q[i].value());
      pInverseModQ[i] = bigP.mod(qi).modInverse(qi).longValue();
      pInverseModQShoup[i] = q[i].shoup(pInverseModQ[i]);
    }
  }

  public RlweParameters parameters() {
    return parameters;
  }

  /** The digits of one polynomial, raised to Q_level * P, in NTT form. */
  public static final class Decomposition {
    private final int level;
    private final RnsPoly[] digitsQ;
    private final RnsPoly[] digitsP;

    Decomposition(int level, RnsPoly[] digitsQ, RnsPoly[] digitsP) {
      this.level = level;
      this.digitsQ = digitsQ;
      this.digitsP = digitsP;
    }

    public int level() {
      return level;
    }

    public int digitCount() {
      return digitsQ.length;
    }
  }

  /** ModUp: decomposes {@code c} (NTT form over Q_level) into raised digits. */
  public Decomposition decompose(RnsPoly c) {
    int level = c.level();
    int alpha = parameters.primesPerDigit();
    int digits = parameters.digitCount(level);
    RnsPoly coefficients = c.copy();
    ringQ.intt(coefficients);
    RnsPoly[] digitsQ = new RnsPoly[digits];
    RnsPoly[] digitsP = new RnsPoly[digits];
    for (int j = 0; j < digits; j++) {
      int start = j * alpha;
      int end = Math.min(start + alpha, level + 1);
      BasisExtender[] extenders = extendersFor(start, end - start);
      long[][] source = new long[end - start][];
      for (int i = start; i < end; i++) {
        source[i - start] = coefficients.limb(i);
      }
      RnsPoly dq = ringQ.newPoly(level + 1);
      RnsPoly dp = ringP.newPoly();
      int[] qTargets = IntStream.rangeClosed(0, level).filter(i -> i < start || i >= end).toArray();
      int[] pTargets = IntStream.range(0, ringP.primeCount()).toArray();
      extenders[0].extend(source, dq.limbs(), qTargets, parallelism);
      extenders[1].extend(source, dp.limbs(), pTargets, parallelism);
      for (int i = start; i < end; i++) {
        System.arraycopy(c.limb(i), 0, dq.limb(i), 0, c.n());
      }
      parallelism.forEach(qTargets.length + pTargets.length, t -> {
        if (t < qTargets.length) {
          ringQ.ntt(qTargets[t]).forward(dq.limb(qTargets[t]));
        } else {
          int pi = t - qTargets.length;
          ringP.ntt(pi).forward(dp.limb(pi));
        }
      });
      digitsQ[j] = dq;
      digitsP[j] = dp;
    }
    return new Decomposition(level, digitsQ, digitsP);
  }

  /**
   * Switches {@code c} (NTT form over Q_level, under s') to a pair (d_0, d_1) under s with
   * d_0 + d_1 * s = c * s' + small error.
   */
  public RnsPoly[] switchKey(RnsPoly c, SwitchingKey key) {
    return switchKey(decompose(c), key, null);
  }

  /**
   * Key-switches a precomputed decomposition. With a non-null NTT index table, the
   * decomposition is first permuted by that automorphism, which is how hoisted rotations share
   * one ModUp.
   */
  public RnsPoly[] switchKey(Decomposition d, SwitchingKey key, int[] nttIndexTable) {
    int level = d.level;
    if (key.digitCount() < d.digitCount()) {
      throw new HeException(
          "switching key has " + key.digitCount() + " digits, ciphertext needs " + d.digitCount());
    }
    if (key.bQ(0).limbCount() < level + 1) {
      throw new HeException("switching key works up to level " + (key.bQ(0).limbCount() - 1)
          + ", the ciphertext is at level " + level);
    }
    RnsPoly accQ0 = ringQ.newPoly(level + 1);
    RnsPoly accQ1 = ringQ.newPoly(level + 1);
    RnsPoly accP0 = ringP.newPoly();
    RnsPoly accP1 = ringP.newPoly();
    int qLimbs = level + 1;
    int pLimbs = ringP.primeCount();
    parallelism.forEach(qLimbs + pLimbs, t -> {
      boolean isQ = t < qLimbs;
      int limb = isQ ? t : t - qLimbs;
      Modulus m = isQ ? ringQ.modulus(limb) : ringP.modulus(limb);
      long[] acc0 = isQ ? accQ0.limb(limb) : accP0.limb(limb);
      long[] acc1 = isQ ? accQ1.limb(limb) : accP1.limb(limb);
      for (int j = 0; j < d.digitCount(); j++) {
        long[] digit = isQ ? d.digitsQ[j].limb(limb) : d.digitsP[j].limb(limb);
        long[] b = isQ ? key.bQ(j).limb(limb) : key.bP(j).limb(limb);
        long[] a = isQ ? key.aQ(j).limb(limb) : key.aP(j).limb(limb);
        InnerProduct.mulAddTwo(digit, nttIndexTable, b, a, acc0, acc1, m);
      }
    });
    return new RnsPoly[] {modDown(accQ0, accP0), modDown(accQ1, accP1)};
  }

  /** ModDown: (x_Q - ModUp(x_P)) * P^-1 over Q_level; inputs in NTT form, consumed. */
  public RnsPoly modDown(RnsPoly xQ, RnsPoly xP) {
    int level = xQ.level();
    ringP.intt(xP);
    RnsPoly extended = ringQ.newPoly(level + 1);
    int[] targets = IntStream.rangeClosed(0, level).toArray();
    pToQ.extend(xP.limbs(), extended.limbs(), targets, parallelism);
    ringQ.ntt(extended);
    parallelism.forEach(level + 1, i -> {
      Modulus m = ringQ.modulus(i);
      long w = pInverseModQ[i];
      long wShoup = pInverseModQShoup[i];
      long[] x = xQ.limb(i);
      long[] e = extended.limb(i);
      for (int k = 0; k < x.length; k++) {
        x[k] = m.mulShoup(m.sub(x[k], e[k]), w, wShoup);
      }
    });
    return xQ;
  }

  private BasisExtender[] extendersFor(int start, int count) {
    long cacheKey = ((long) start << 32) | count;
    return digitExtenders.computeIfAbsent(cacheKey, k -> {
      Modulus[] source = moduli(ringQ, start, count);
      return new BasisExtender[] {
        new BasisExtender(source, moduli(ringQ, 0, ringQ.primeCount())),
        new BasisExtender(source, moduli(ringP, 0, ringP.primeCount()))
      };
    });
  }

  private static Modulus[] moduli(RnsRing ring, int start, int count) {
    Modulus[] out = new Modulus[count];
    for (int i = 0; i < count; i++) {
      out[i] = ring.modulus(start + i);
    }
    return out;
  }

  /** The innermost loop of key switching, kept apart so the JIT sees a small method. */
  private static final class InnerProduct {
    static void mulAddTwo(
        long[] digit, int[] table, long[] b, long[] a, long[] acc0, long[] acc1, Modulus m) {
      long q = m.value();
      long qInv = qInverse(m);
      int n = digit.length;
      for (int k = 0; k < n; k++) {
        long d = table == null ? digit[k] : digit[table[k]];
        long s0 = acc0[k] + montgomery(d, b[k], q, qInv) - q;
        acc0[k] = s0 + ((s0 >> 63) & q);
        long s1 = acc1[k] + montgomery(d, a[k], q, qInv) - q;
        acc1[k] = s1 + ((s1 >> 63) & q);
      }
    }

    private static long montgomery(long x, long y, long q, long qInv) {
      long lo = x * y;
      long hi = Math.multiplyHigh(x, y);
      long m = lo * qInv;
      long mqHigh = Math.multiplyHigh(m, q) + ((m >> 63) & q);
      long r = hi - mqHigh;
      return r + ((r >> 63) & q);
    }

    private static long qInverse(Modulus m) {
      long q = m.value();
      long inv = q;
      for (int i = 0; i < 6; i++) {
        inv *= 2 - q * inv;
      }
      return inv;
    }
  }
}
