package org.homocloud.he.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BasisExtenderTest {

  @Test
  void extend_givesResiduesOfTheSameIntegerUpToSmallMultipleOfSourceModulus() {
    List<Long> all = Primes.nttFriendly(60, 4, 7, List.of());
    Modulus[] source = {new Modulus(all.get(0)), new Modulus(all.get(1)), new Modulus(all.get(2))};
    Modulus[] target = {new Modulus(all.get(3)), new Modulus(all.get(4)), new Modulus(all.get(5)), new Modulus(all.get(6))};
    BigInteger qProduct = BigInteger.ONE;
    for (Modulus m : source) {
      qProduct = qProduct.multiply(BigInteger.valueOf(m.value()));
    }
    int n = 16;
    Random random = new Random(7);
    BigInteger[] values = new BigInteger[n];
    long[][] in = new long[3][n];
    for (int c = 0; c < n; c++) {
      values[c] = new BigInteger(qProduct.bitLength() + 8, random).mod(qProduct);
      for (int i = 0; i < 3; i++) {
        in[i][c] = values[c].mod(BigInteger.valueOf(source[i].value())).longValue();
      }
    }
    long[][] out = new long[4][n];
    new BasisExtender(source, target).extend(in, out, new int[] {0, 1, 2, 3}, Parallelism.sequential());
    for (int c = 0; c < n; c++) {
      boolean matched = false;
      for (int u = 0; u < 3 && !matched; u++) {
        BigInteger candidate = values[c].add(qProduct.multiply(BigInteger.valueOf(u)));
        boolean all4 = true;
        for (int j = 0; j < 4; j++) {
          all4 &= candidate.mod(BigInteger.valueOf(target[j].value())).longValue() == out[j][c];
        }
        matched = all4;
      }
      assertThat(matched).as("coefficient %d is x + u*Q with u < 3", c).isTrue();
    }
  }
}
