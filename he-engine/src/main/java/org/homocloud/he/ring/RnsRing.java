package org.homocloud.he.ring;

import org.homocloud.he.HeException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Z_Q[X]/(X^N + 1) for Q a product of NTT-friendly primes, in RNS form. Every operation works
 * limb by limb on as many limbs as its output has, so the same ring serves every level of a
 * modulus chain. Limbs may be processed in parallel. Immutable and safe to share.
 */
public final class RnsRing {

  private static final Map<String, Ntt> NTT_CACHE = new ConcurrentHashMap<>();

  private final int logN;
  private final int n;
  private final Modulus[] moduli;
  private final Ntt[] ntts;
  private final Parallelism parallelism;

  public RnsRing(int logN, List<Long> primes, Parallelism parallelism) {
    if (primes.isEmpty()) {
      throw new HeException("a ring needs at least one prime");
    }
    this.logN = logN;
    this.n = 1 << logN;
    this.moduli = new Modulus[primes.size()];
    this.ntts = new Ntt[primes.size()];
    for (int i = 0; i < moduli.length; i++) {
      long q = primes.get(i);
      ntts[i] = NTT_CACHE.computeIfAbsent(q + "/" + logN, key -> new Ntt(new Modulus(q), logN));
      moduli[i] = ntts[i].modulus();
    }
    this.parallelism = parallelism;
  }

  private RnsRing(RnsRing base, Parallelism parallelism) {
    this.logN = base.logN;
    this.n = base.n;
    this.moduli = base.moduli;
    this.ntts = base.ntts;
    this.parallelism = parallelism;
  }

  /** The same ring, running its limb loops with the given parallelism. */
  public RnsRing withParallelism(Parallelism other) {
    return new RnsRing(this, other);
  }

  public int logN() {
    return logN;
  }

  public int n() {
    return n;
  }

  public int primeCount() {
    return moduli.length;
  }

  public Modulus modulus(int i) {
    return moduli[i];
  }

  public Ntt ntt(int i) {
    return ntts[i];
  }

  public Parallelism parallelism() {
    return parallelism;
  }

  /** Product of the first {@code count} primes. */
  public BigInteger modulusProduct(int count) {
    BigInteger product = BigInteger.ONE;
    for (int i = 0; i < count; i++) {
      product = product.multiply(BigInteger.valueOf(moduli[i].value()));
    }
    return product;
  }

  public RnsPoly newPoly(int limbCount) {
    return new RnsPoly(n, limbCount);
  }

  public RnsPoly newPoly() {
    return new RnsPoly(n, moduli.length);
  }

  public void forEachLimb(int count, java.util.function.IntConsumer body) {
    parallelism.forEach(count, body);
  }

  public void ntt(RnsPoly a) {
    parallelism.forEach(a.limbCount(), i -> ntts[i].forward(a.limb(i)));
  }

  public void intt(RnsPoly a) {
    parallelism.forEach(a.limbCount(), i -> ntts[i].inverse(a.limb(i)));
  }

  public void add(RnsPoly a, RnsPoly b, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      long q = moduli[i].value();
      long[] x = a.limb(i);
      long[] y = b.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long s = x[j] + y[j] - q;
        z[j] = s + ((s >> 63) & q);
      }
    });
  }

  public void sub(RnsPoly a, RnsPoly b, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      long q = moduli[i].value();
      long[] x = a.limb(i);
      long[] y = b.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long d = x[j] - y[j];
        z[j] = d + ((d >> 63) & q);
      }
    });
  }

  public void neg(RnsPoly a, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      Modulus m = moduli[i];
      long[] x = a.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        z[j] = m.neg(x[j]);
      }
    });
  }

  /** out = a * b coefficient-wise, where b is in Montgomery form. */
  public void mulMontgomery(RnsPoly a, RnsPoly bMontgomery, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      long q = moduli[i].value();
      long qInv = moduli[i].qInvMod2to64();
      long[] x = a.limb(i);
      long[] y = bMontgomery.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long u = x[j];
        long v = y[j];
        z[j] = Modulus.montgomeryReduce(Math.multiplyHigh(u, v), u * v, q, qInv);
      }
    });
  }

  /** out += a * b coefficient-wise, where b is in Montgomery form. */
  public void mulMontgomeryAdd(RnsPoly a, RnsPoly bMontgomery, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      long q = moduli[i].value();
      long qInv = moduli[i].qInvMod2to64();
      long[] x = a.limb(i);
      long[] y = bMontgomery.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long u = x[j];
        long v = y[j];
        long s = z[j] + Modulus.montgomeryReduce(Math.multiplyHigh(u, v), u * v, q, qInv) - q;
        z[j] = s + ((s >> 63) & q);
      }
    });
  }

  /** out = a * b coefficient-wise, neither operand in Montgomery form. */
  public void mul(RnsPoly a, RnsPoly b, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      Modulus m = moduli[i];
      long q = m.value();
      long qInv = m.qInvMod2to64();
      long r2 = m.toMontgomery(m.montgomeryOne());
      long[] x = a.limb(i);
      long[] y = b.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long u = x[j];
        long v = y[j];
        long t = Modulus.montgomeryReduce(Math.multiplyHigh(u, v), u * v, q, qInv);
        z[j] = Modulus.montgomeryReduce(Math.multiplyHigh(t, r2), t * r2, q, qInv);
      }
    });
  }

  /** out = a in Montgomery form (a * 2^64 mod q per limb). */
  public void toMontgomery(RnsPoly a, RnsPoly out) {
    long[] factors = new long[out.limbCount()];
    for (int i = 0; i < factors.length; i++) {
      factors[i] = moduli[i].montgomeryOne();
    }
    mulScalars(a, factors, out);
  }

  /** out = a * scalars[i] in limb i; scalars are residues in [0, q_i). */
  public void mulScalars(RnsPoly a, long[] scalars, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      Modulus m = moduli[i];
      long w = scalars[i];
      long wShoup = m.shoup(w);
      long[] x = a.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        z[j] = m.mulShoup(x[j], w, wShoup);
      }
    });
  }

  /** out = a + scalars[i] in limb i, in every coefficient: adds a constant in the NTT domain. */
  public void addScalarsNtt(RnsPoly a, long[] scalars, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      Modulus m = moduli[i];
      long c = scalars[i];
      long[] x = a.limb(i);
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        z[j] = m.add(x[j], c);
      }
    });
  }

  /** Residues of a signed integer in every limb. */
  public long[] residues(BigInteger value) {
    long[] r = new long[moduli.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = value.mod(BigInteger.valueOf(moduli[i].value())).longValue();
    }
    return r;
  }

  /** Writes signed coefficients (|c| < 2^63, not Long.MIN_VALUE) into every limb of {@code out}. */
  public void setCoefficients(long[] signed, RnsPoly out) {
    parallelism.forEach(out.limbCount(), i -> {
      Modulus m = moduli[i];
      long[] z = out.limb(i);
      for (int j = 0; j < n; j++) {
        long x = signed[j];
        z[j] = x >= 0 ? m.reduceNonNegative(x) : m.neg(m.reduceNonNegative(-x));
      }
    });
  }
}
