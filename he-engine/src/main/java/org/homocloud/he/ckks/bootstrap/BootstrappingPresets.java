package org.homocloud.he.ckks.bootstrap;

import java.util.Arrays;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.circuits.SineEvaluator;

/**
 * Named bootstrapping parameter sets. The chain is listed bottom-up: q_0, the levels left for
 * computation, SlotsToCoeffs, EvalMod, CoeffsToSlots. EvalMod uses K = 16 (overflow bound of a
 * Hamming-weight-32 ephemeral secret), 2 double angles and a degree-55 scaled cosine
 * (interpolation error about 2^-42): 10 levels with the interval map.
 */
public final class BootstrappingPresets {

  static final int K = 16;
  static final int DOUBLE_ANGLES = 2;
  static final int COSINE_DEGREE = 55;
  static final int EPHEMERAL_WEIGHT = 32;

  private BootstrappingPresets() {}

  /**
   * INSECURE, for tests: logN 12, 2048 slots, q_0 60 bits, 2 levels of 45 bits left for
   * computation, StC 2 x 50, EvalMod 10 x 60, CtS 2 x 60; P 2 x 61. Message ratio 2^10.
   */
  public static BootstrappingParameters insecureForTestingLogN12() {
    return insecureForTesting(12);
  }

  /**
   * INSECURE, for tests of logistic regression (one training iteration needs five levels): the
   * logN 12 shape with five levels of 45 bits left for computation instead of two; P 3 x 61.
   * 2048 slots.
   */
  public static BootstrappingParameters insecureForTestingLogN12FiveLevels() {
    int[] logQ = chain(60, 5, 45, 2, 50, evalModLevels(), 60, 2, 60);
    CkksParameters ckks = CkksParameters.builder().logN(12).logQ(logQ).logP(61, 61, 61).primesPerDigit(3)
        .logDefaultScale(45).insecureForTesting(true).build();
    return new BootstrappingParameters(ckks, 2, 2, K, DOUBLE_ANGLES, COSINE_DEGREE, EPHEMERAL_WEIGHT, 10);
  }

  /** INSECURE, for tests: the same shape at logN 12 with sparse packing, 2^logSlots slots. */
  public static BootstrappingParameters insecureForTestingLogN12(int logSlots) {
    return insecureForTesting(12, logSlots);
  }

  private static BootstrappingParameters insecureForTesting(int logN) {
    return insecureForTesting(logN, logN - 1);
  }

  private static BootstrappingParameters insecureForTesting(int logN, int logSlots) {
    int[] logQ = chain(60, 2, 45, 2, 50, evalModLevels(), 60, 2, 60);
    CkksParameters ckks = CkksParameters.builder().logN(logN).logQ(logQ).logP(61, 61).primesPerDigit(2)
        .logDefaultScale(45).logSlots(logSlots).insecureForTesting(true).build();
    return new BootstrappingParameters(ckks, 2, 2, K, DOUBLE_ANGLES, COSINE_DEGREE, EPHEMERAL_WEIGHT, 10);
  }

  /**
   * logN 16, 32768 slots, 128-bit secure for a uniform ternary secret (log QP about 1732, below
   * the table's 1747): q_0 60 bits, 9 levels of 42 bits left for computation (scale 2^42), StC 3
   * x 45, EvalMod 10 x 61, CtS 3 x 61; P 6 x 61, digits of 5 primes; message ratio 2^6. Failure
   * probability (an overflow beyond K = 16 in any coefficient) about 2^-50: see
   * {@link BootstrappingParameters#log2FailureProbability()}.
   */
  public static BootstrappingParameters logN16() {
    int[] logQ = chain(60, 9, 42, 3, 45, evalModLevels(), 61, 3, 61);
    CkksParameters ckks = CkksParameters.builder().logN(16).logQ(logQ).logP(61, 61, 61, 61, 61, 61)
        .primesPerDigit(5).logDefaultScale(42).build();
    return new BootstrappingParameters(ckks, 3, 3, K, DOUBLE_ANGLES, COSINE_DEGREE, EPHEMERAL_WEIGHT, 6);
  }

  /** EvalMod's levels: the interval map, the scaled cosine, the double angles. */
  private static int evalModLevels() {
    return new SineEvaluator(K, DOUBLE_ANGLES, COSINE_DEGREE).levels();
  }

  private static int[] chain(int q0, int computeLevels, int computeBits, int stcLevels, int stcBits,
      int evalModLevels, int evalModBits, int ctsLevels, int ctsBits) {
    int[] out = new int[1 + computeLevels + stcLevels + evalModLevels + ctsLevels];
    int i = 0;
    out[i++] = q0;
    for (int[] run : new int[][] {{computeLevels, computeBits}, {stcLevels, stcBits},
        {evalModLevels, evalModBits}, {ctsLevels, ctsBits}}) {
      Arrays.fill(out, i, i + run[0], run[1]);
      i += run[0];
    }
    return out;
  }
}
