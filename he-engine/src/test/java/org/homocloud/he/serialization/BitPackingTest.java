package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bit packing round-trips values of every width the engine's primes can have, with no padding. */
class BitPackingTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 8, 9, 25, 31, 32, 33, 40, 50, 55, 59, 60, 61, 63})
  void values_roundTrip_atExactlyTheirWidth(int width) {
    Random random = new Random(width);
    int count = 1024;
    long[] values = new long[count];
    long mask = -1L >>> (64 - width);
    for (int i = 0; i < count; i++) {
      values[i] = random.nextLong() & mask;
    }
    values[0] = mask; // all ones
    values[1] = 0;
    byte[] packed = new byte[(int) BitPacking.packedBytes(count, width)];

    int used = BitPacking.pack(values, count, width, packed);
    long[] unpacked = new long[count];
    BitPacking.unpack(packed, count, width, unpacked);

    assertThat(used).isEqualTo(count * width / 8);
    assertThat(unpacked).isEqualTo(values);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 13, 61})
  void oddTotals_padTheLastByteWithZeros(int width) {
    long[] values = {(1L << width) - 1};
    byte[] packed = new byte[(int) BitPacking.packedBytes(1, width)];

    BitPacking.pack(values, 1, width, packed);

    int spare = packed.length * 8 - width;
    assertThat(packed[packed.length - 1] & ((1 << spare) - 1)).isZero();
  }
}
