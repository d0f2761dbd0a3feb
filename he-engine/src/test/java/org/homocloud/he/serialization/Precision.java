package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import org.homocloud.he.ckks.PrecisionStats;

/** Prints and asserts decrypted precision against a plaintext reference. */
final class Precision {

  private Precision() {}

  static PrecisionStats check(String set, String what, double[] expected, double[] actual, double minBits) {
    PrecisionStats stats = PrecisionStats.of(expected, actual);
    System.out.printf("[%s] %-44s %s%n", set, what, stats);
    assertThat(stats.minBits()).as("%s min precision on %s", what, set).isGreaterThanOrEqualTo(minBits);
    return stats;
  }
}
