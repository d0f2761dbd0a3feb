package org.homocloud.he.ring.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.Primes;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.junit.jupiter.api.Test;

class SamplersTest {

  private static final int N = 1 << 14;

  @Test
  void gaussian_hasSigma3point2_andIsBoundedAtSixSigma() {
    GaussianSampler sampler = new GaussianSampler(3.2);
    long[] e = sampler.sample(N * 4, Xof.fromSecureSeed());
    double sum = 0;
    double sumSquares = 0;
    long max = 0;
    for (long x : e) {
      sum += x;
      sumSquares += (double) x * x;
      max = Math.max(max, Math.abs(x));
    }
    double mean = sum / e.length;
    double sigma = Math.sqrt(sumSquares / e.length - mean * mean);
    System.out.printf("gaussian: mean %.4f, sigma %.4f, max |e| %d%n", mean, sigma, max);
    assertThat(mean).isBetween(-0.1, 0.1);
    assertThat(sigma).isBetween(3.1, 3.3);
    assertThat(max).isLessThanOrEqualTo(20);
  }

  @Test
  void denseTernary_isUniformOverMinusOneZeroOne() {
    long[] s = TernarySampler.dense(N * 4, Xof.fromSecureSeed());
    int[] counts = new int[3];
    for (long x : s) {
      counts[(int) x + 1]++;
    }
    for (int c : counts) {
      assertThat(c / (double) s.length).isBetween(0.32, 0.347);
    }
  }

  @Test
  void sparseTernary_hasExactHammingWeight() {
    long[] s = TernarySampler.sparse(N, 192, Xof.fromSecureSeed());
    long nonZero = java.util.Arrays.stream(s).filter(x -> x != 0).count();
    assertThat(nonZero).isEqualTo(192);
    assertThat(java.util.Arrays.stream(s).allMatch(x -> x >= -1 && x <= 1)).isTrue();
  }

  @Test
  void uniform_isInRange_andReproducibleFromItsSeed() {
    RnsRing ring = new RnsRing(10, Primes.nttFriendly(50, 10, 3, List.of()), Parallelism.sequential());
    byte[] seed = Xof.newSeed();
    RnsPoly a = ring.newPoly();
    RnsPoly b = ring.newPoly();
    UniformSampler.sample(ring, new Xof(seed), a);
    UniformSampler.sample(ring, new Xof(seed), b);
    assertThat(a.sameResidues(b)).isTrue();
    for (int l = 0; l < 3; l++) {
      long q = ring.modulus(l).value();
      double mean = 0;
      for (long x : a.limb(l)) {
        assertThat(x).isBetween(0L, q - 1);
        mean += x / (double) q;
      }
      assertThat(mean / a.n()).isBetween(0.45, 0.55);
    }
    RnsPoly c = ring.newPoly();
    UniformSampler.sample(ring, Xof.fromSecureSeed(), c);
    assertThat(c.sameResidues(a)).isFalse();
  }
}
