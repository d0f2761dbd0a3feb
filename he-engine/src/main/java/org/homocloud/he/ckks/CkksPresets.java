package org.homocloud.he.ckks;

/**
 * Named parameter sets. Security levels are checked against the HomomorphicEncryption.org table
 * for a uniform ternary secret and sigma 3.2 (128-bit limits on log QP: logN 12: 109, 13: 218,
 * 14: 438, 15: 881, 16: 1747); {@link CkksParameters.Builder#build()} enforces them.
 * Precision figures are measured by the engine tests and {@code ./bench engine}.
 */
public final class CkksPresets {

  private CkksPresets() {}

  /**
   * logN 12, log QP 108 (Q 38+30, P 40), 128-bit, depth 1, scale 2^30, 2048 slots. Expected
   * precision after one multiplication: about 12-15 bits. For very small workloads only.
   */
  public static CkksParameters logN12() {
    return CkksParameters.builder().logN(12).logQ(38, 30).logP(40).logDefaultScale(30).build();
  }

  /**
   * logN 13, log QP 216 (Q 46+3x40, P 50), 128-bit, depth 3, scale 2^40, 4096 slots. Expected
   * precision after a multiplication: about 20-25 bits.
   */
  public static CkksParameters logN13() {
    return CkksParameters.builder().logN(13).logQ(46, 40, 40, 40).logP(50).logDefaultScale(40).build();
  }

  /**
   * logN 14, log QP about 432 (Q 60+5x50 = 6 primes, P 2x61), 128-bit, depth 5, scale 2^50,
   * 8192 slots, 3 key-switching digits of 2 primes. Expected precision after a multiplication:
   * about 30 bits. The default for encrypted Observation storage.
   */
  public static CkksParameters logN14() {
    return CkksParameters.builder().logN(14).logQ(60, 50, 50, 50, 50, 50).logP(61, 61)
        .primesPerDigit(2).logDefaultScale(50).build();
  }

  /**
   * logN 15, log QP about 843 (Q 60+12x50 = 13 primes, P 3x61), 128-bit, depth 12, scale 2^50,
   * 16384 slots, 5 digits of 3 primes. Expected precision after a multiplication: about 30 bits.
   */
  public static CkksParameters logN15() {
    return CkksParameters.builder().logN(15)
        .logQ(60, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50).logP(61, 61, 61)
        .primesPerDigit(3).logDefaultScale(50).build();
  }

  /**
   * logN 16, log QP about 1667 (Q 60+20x59 = 21 primes, P 7x61), 128-bit, depth 20, scale
   * 2^59, 32768 slots, 3 digits of 7 primes. Expected precision after a multiplication: about
   * 38 bits.
   */
  public static CkksParameters logN16() {
    int[] logQ = new int[21];
    java.util.Arrays.fill(logQ, 59);
    logQ[0] = 60;
    return CkksParameters.builder().logN(16).logQ(logQ).logP(61, 61, 61, 61, 61, 61, 61)
        .primesPerDigit(7).logDefaultScale(59).build();
  }

  /**
   * INSECURE, for tests: logN 10, Q 55+4x40, P 2x55, scale 2^40, 512 slots. Far below 128-bit
   * security; exists so unit tests run in milliseconds.
   */
  public static CkksParameters insecureForTestingLogN10() {
    return CkksParameters.builder().logN(10).logQ(55, 40, 40, 40, 40).logP(55, 55)
        .primesPerDigit(2).logDefaultScale(40).insecureForTesting(true).build();
  }

  /** INSECURE, for tests: logN 12, Q 60+6x45, P 2x61, scale 2^45, 3 digits at the top level... */
  public static CkksParameters insecureForTestingLogN12() {
    return CkksParameters.builder().logN(12).logQ(60, 45, 45, 45, 45, 45, 45).logP(61, 61)
        .primesPerDigit(2).logDefaultScale(45).insecureForTesting(true).build();
  }
}
