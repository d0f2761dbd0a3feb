package org.homocloud.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.homocloud.he.HeException;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slot isolation against plaintext: the chosen slots decrypt to their values, every other slot to
 * nothing but the flooding noise (never a scaled copy of its value).
 */
class SlotIsolationTest {

  static java.util.stream.Stream<String> parameterSets() {
    return TestParameterSets.names();
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void isolate_keepsChosenSlots_andHidesTheRest(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    CkksParameters p = ctx.parameters;
    int slots = (1 << p.maxLogSlots());
    double[] values = new double[slots];
    Random random = new Random(7);
    for (int i = 0; i < slots; i++) {
      values[i] = 100 + 900 * random.nextDouble(); // clinical-sized, all non-zero
    }
    int level = Math.min(p.maxLevel(), 3);
    Ciphertext packed = ctx.encryptor.encrypt(ctx.encoder.encode(values, null, p.maxLogSlots(), level, p.defaultScale()));
    int[] chosen = {5, slots - 1};
    Ciphertext isolated = new SlotIsolation(p, ctx.publicKey).isolate(packed, chosen, 1e6);

    double[] decrypted = ctx.decrypt(isolated);
    double[] expected = new double[slots];
    for (int slot : chosen) {
      expected[slot] = values[slot];
    }
    PrecisionStats stats = PrecisionStats.of(expected, decrypted);
    double largestOther = 0;
    for (int i = 0; i < slots; i++) {
      if (i != chosen[0] && i != chosen[1]) {
        largestOther = Math.max(largestOther, Math.abs(decrypted[i]));
      }
    }
    System.out.printf("[%s] slot isolation from level %d to %d: %s, largest other slot %.3g%n",
        ctx, level, isolated.level(), stats, largestOther);
    assertThat(isolated.level()).isLessThan(level);
    assertThat(stats.minBits()).as("precision over all slots (chosen ones and zeros)").isGreaterThanOrEqualTo(20);
    // Flood sigma is 2^-28: every other slot is noise of that size, far below any value (>= 100).
    assertThat(largestOther).isLessThan(0x1p-20);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void isolate_refusesLowLevelsAndValueBoundsWithoutRoom(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    CkksParameters p = ctx.parameters;
    SlotIsolation isolation = new SlotIsolation(p, ctx.publicKey);
    Ciphertext low = ctx.encryptor.encrypt(ctx.encoder.encode(new double[] {1}, null, p.maxLogSlots(), 1, p.defaultScale()));
    assertThatThrownBy(() -> isolation.isolate(low, new int[] {0}, 1e12)).isInstanceOf(HeException.class)
        .hasMessageContaining("no room to isolate slots at level 1");
    Ciphertext ok = ctx.encryptor.encrypt(ctx.encoder.encode(new double[] {1}, null, p.maxLogSlots(), 2, p.defaultScale()));
    assertThatThrownBy(() -> isolation.isolate(ok, new int[] {0}, 1e300)).isInstanceOf(HeException.class)
        .hasMessageContaining("no level of these parameters");
    assertThatThrownBy(() -> isolation.isolate(ok, new int[] {(1 << p.maxLogSlots())}, 10)).isInstanceOf(HeException.class);
  }
}
