package org.homocloud.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModulusTest {

  @ParameterizedTest(name = "{0}-bit prime")
  @ValueSource(ints = {20, 40, 55, 60, 61})
  void shoupAndMontgomeryProducts_matchBigInteger(int bits) {
    long q = Primes.nttFriendly(bits, 10, 1, List.of()).get(0);
    Modulus m = new Modulus(q);
    BigInteger bigQ = BigInteger.valueOf(q);
    Random random = new Random(bits);
    for (int i = 0; i < 20_000; i++) {
      long a = Math.floorMod(random.nextLong(), q);
      long b = Math.floorMod(random.nextLong(), q);
      long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bigQ).longValue();
      assertThat(m.mul(a, b)).isEqualTo(expected);
      assertThat(m.mulShoup(a, b, m.shoup(b))).isEqualTo(expected);
      assertThat(m.mulMontgomery(a, m.toMontgomery(b))).isEqualTo(expected);
      long lazyInput = a + 3 * q; // Shoup accepts inputs below 4q
      assertThat(m.mulShoup(lazyInput, b, m.shoup(b))).isEqualTo(expected);
      assertThat(m.add(a, b)).isEqualTo(BigInteger.valueOf(a).add(BigInteger.valueOf(b)).mod(bigQ).longValue());
      assertThat(m.sub(a, b)).isEqualTo(BigInteger.valueOf(a).subtract(BigInteger.valueOf(b)).mod(bigQ).longValue());
    }
    assertThat(m.mul(m.inverse(12345), 12345)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 4, (1L << 61) + 1, -7})
  void invalidModulus_isRejectedWithItsValue(long q) {
    assertThatThrownBy(() -> new Modulus(q)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Long.toString(q));
  }

  @ParameterizedTest(name = "{0}-bit, logN 16")
  @ValueSource(ints = {30, 50, 59, 60, 61})
  void nttFriendlyPrimes_areDistinctPrimesOneModTwoN(int bits) {
    List<Long> primes = Primes.nttFriendly(bits, 16, 8, List.of());
    assertThat(primes).doesNotHaveDuplicates().hasSize(8);
    for (long p : primes) {
      assertThat(BigInteger.valueOf(p).isProbablePrime(64)).isTrue();
      assertThat((p - 1) % (2L << 16)).isZero();
      assertThat(Math.abs(Math.log(p) / Math.log(2) - bits)).isLessThan(1.0);
    }
    assertThat(Primes.nttFriendly(bits, 16, 8, List.of())).isEqualTo(primes);
  }
}
