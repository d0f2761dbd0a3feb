package org.homocloud.he.analytics;

import org.homocloud.he.HeException;

/**
 * Step sizes of Nesterov-accelerated gradient ascent as in Kim et al. (2018): learning rate
 * alpha_t = scale / (t + 1) and momentum weight eta_t = (1 - lambda_t) / lambda_{t+1} with
 * lambda_1 = 1, lambda_{t+1} = (1 + sqrt(1 + 4 lambda_t^2)) / 2, so that
 * v_{t+1} = (1 - eta_t) w_{t+1} + eta_t w_t (eta_t <= 0: a step beyond w_{t+1}). Public: the
 * schedule depends only on the iteration number.
 */
public record NesterovSchedule(double learningRateScale) {

  public NesterovSchedule {
    if (!(learningRateScale > 0) || Double.isInfinite(learningRateScale)) {
      throw new HeException("learning rate scale must be positive: " + learningRateScale);
    }
  }

  /** Kim et al.'s choice, alpha_t = 10 / (t + 1). */
  public static NesterovSchedule kim() {
    return new NesterovSchedule(10);
  }

  /** Learning rate of iteration t (from 1). */
  public double learningRate(int t) {
    return learningRateScale / (t + 1);
  }

  /** Momentum weight after iteration t (from 1). */
  public double momentum(int t) {
    double lambda = 1;
    for (int i = 1; i < t; i++) {
      lambda = next(lambda);
    }
    return (1 - lambda) / next(lambda);
  }

  private static double next(double lambda) {
    return (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2;
  }
}
