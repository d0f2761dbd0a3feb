package org.homocloud.he.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NttTest {

  @ParameterizedTest(name = "logN={0}, {1}-bit prime")
  @CsvSource({"3, 30", "6, 50", "10, 60", "10, 61", "12, 40"})
  void forwardThenInverse_isIdentity(int logN, int bits) {
    Ntt ntt = nttFor(logN, bits);
    long[] a = random(ntt, 1);
    long[] copy = a.clone();
    ntt.forward(a);
    ntt.inverse(a);
    assertThat(a).containsExactly(copy);
  }

  @ParameterizedTest(name = "logN={0}, {1}-bit prime")
  @CsvSource({"3, 30", "6, 50", "8, 60", "8, 61"})
  void pointwiseProduct_equalsNaiveNegacyclicProduct(int logN, int bits) {
    Ntt ntt = nttFor(logN, bits);
    Modulus m = ntt.modulus();
    long[] a = random(ntt, 2);
    long[] b = random(ntt, 3);
    long[] expected = naiveNegacyclic(a, b, m.value());
    ntt.forward(a);
    ntt.forward(b);
    long[] c = new long[a.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = m.mul(a[i], b[i]);
    }
    ntt.inverse(c);
    assertThat(c).containsExactly(expected);
  }

  @ParameterizedTest(name = "logN={0}")
  @CsvSource({"4", "9"})
  void automorphismTable_matchesCoefficientAutomorphism(int logN) {
    Ntt ntt = nttFor(logN, 50);
    RnsRing ring = new RnsRing(logN, List.of(ntt.modulus().value()), Parallelism.sequential());
    for (long g : new long[] {5, 25, (2L << logN) - 1, 3}) {
      RnsPoly coeffs = new RnsPoly(new long[][] {random(ntt, (int) g)});
      RnsPoly viaCoefficients = ring.newPoly();
      Automorphism.applyCoefficients(ring, coeffs, g, viaCoefficients);
      ring.ntt(viaCoefficients);
      RnsPoly ntted = coeffs.copy();
      ring.ntt(ntted);
      RnsPoly viaTable = ring.newPoly();
      Automorphism.applyNtt(ntted, Automorphism.nttIndexTable(logN, g), viaTable, Parallelism.sequential());
      assertThat(viaTable.limb(0)).as("g=%d", g).containsExactly(viaCoefficients.limb(0));
    }
  }

  private static Ntt nttFor(int logN, int bits) {
    long q = Primes.nttFriendly(bits, logN, 1, List.of()).get(0);
    return new Ntt(new Modulus(q), logN);
  }

  private static long[] random(Ntt ntt, int seed) {
    Random random = new Random(seed);
    long[] a = new long[ntt.n()];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.floorMod(random.nextLong(), ntt.modulus().value());
    }
    return a;
  }

  static long[] naiveNegacyclic(long[] a, long[] b, long q) {
    int n = a.length;
    BigInteger bigQ = BigInteger.valueOf(q);
    BigInteger[] acc = new BigInteger[n];
    java.util.Arrays.fill(acc, BigInteger.ZERO);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        BigInteger p = BigInteger.valueOf(a[i]).multiply(BigInteger.valueOf(b[j]));
        int k = i + j;
        if (k < n) {
          acc[k] = acc[k].add(p);
        } else {
          acc[k - n] = acc[k - n].subtract(p);
        }
      }
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = acc[i].mod(bigQ).longValue();
    }
    return out;
  }
}
