package org.homocloud.he.ckks.bootstrap;

import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.circuits.SineEvaluator;

/**
 * How bootstrapping spends the modulus chain, from the top: CoeffsToSlots ({@code ctsLevels}),
 * EvalMod ({@code evalMod.levels()}), SlotsToCoeffs ({@code stcLevels}); what is left below is
 * for computation. {@code ephemeralHammingWeight} is the weight of the sparse secret the
 * ciphertext is encapsulated under before ModRaise (0 disables encapsulation), which bounds the
 * ModRaise overflow |I| and so the EvalMod interval K. {@code logMessageRatio} is log2(q_0 /
 * scale) at which the message enters EvalMod: smaller means less amplification of EvalMod's
 * error, larger means a smaller sine-approximation error; the bootstrapper scales the input up
 * to it by an exact integer multiplication.
 */
public record BootstrappingParameters(
    CkksParameters ckks, int ctsLevels, int stcLevels, int evalModK, int doubleAngles,
    int cosineDegree, int ephemeralHammingWeight, int logMessageRatio) {

  public BootstrappingParameters {
    SineEvaluator sine = new SineEvaluator(evalModK, doubleAngles, cosineDegree);
    int consumed = ctsLevels + stcLevels + sine.levels();
    if (ctsLevels < 1 || stcLevels < 1) {
      throw new HeException("CoeffsToSlots and SlotsToCoeffs need at least one level each");
    }
    if (consumed > ckks.maxLevel()) {
      throw new HeException("bootstrapping needs " + consumed + " levels (CtS " + ctsLevels + ", EvalMod "
          + sine.levels() + ", StC " + stcLevels + ") but the chain has " + ckks.maxLevel());
    }
    if (logMessageRatio < 1 || logMessageRatio > 30) {
      throw new HeException("log2 of the message ratio q_0 / scale must be in [1, 30]: " + logMessageRatio);
    }
    if (ephemeralHammingWeight < 0 || ephemeralHammingWeight > ckks.n()) {
      throw new HeException("ephemeral Hamming weight must be in [0, N]: " + ephemeralHammingWeight);
    }
  }

  /** Levels consumed by one bootstrapping. */
  public int levelsConsumed() {
    return ctsLevels + stcLevels + new SineEvaluator(evalModK, doubleAngles, cosineDegree).levels();
  }

  /** Levels left for computation after bootstrapping. */
  public int levelsLeft() {
    return ckks.maxLevel() - levelsConsumed();
  }

  /**
   * Probability that one coefficient of the ModRaise overflow exceeds K, from a Gaussian tail
   * bound on I = round((c_0 + c_1 s) / q_0): with a secret of Hamming weight h the overflow is a
   * sum of about h + 1 independent values uniform in [-1/2, 1/2], variance (h + 1) / 12.
   */
  public double overflowProbabilityPerCoefficient() {
    int h = ephemeralHammingWeight > 0 ? ephemeralHammingWeight : (2 * ckks.n()) / 3;
    double sigma = Math.sqrt((h + 1) / 12.0);
    double z = (evalModK - 0.5) / sigma;
    return erfc(z / Math.sqrt(2));
  }

  /** log2 of the probability that any of the N coefficients overflows: the failure probability. */
  public double log2FailureProbability() {
    double perCoefficient = overflowProbabilityPerCoefficient();
    return Math.log(perCoefficient * ckks.n()) / Math.log(2);
  }

  private static double erfc(double x) {
    // Asymptotic upper bound exp(-x^2) / (x sqrt(pi)), tight for the large x that matter here.
    if (x < 3) {
      double t = 1 / (1 + 0.5 * x);
      return t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
          + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
          + t * (-0.82215223 + t * 0.17087277)))))))));
    }
    return Math.exp(-x * x) / (x * Math.sqrt(Math.PI));
  }
}
