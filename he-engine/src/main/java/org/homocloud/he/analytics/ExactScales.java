package org.homocloud.he.analytics;

import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Multiplications that land on a chosen scale exactly. Additions need equal scales, and the
 * primes of the chain are only close to the nominal scale, so every constant or mask is encoded
 * at the scale that makes the product, after its rescale, come out at the target: no scale
 * drifts, and nothing is rounded to "about the default scale".
 */
final class ExactScales {

  private ExactScales() {}

  /** The prime a rescale at this level divides by. */
  static double prime(Evaluator evaluator, int level) {
    return evaluator.parameters().rlwe().qPrimes().get(level);
  }

  /** Scale to encode a plaintext factor at so that ct * factor, rescaled, has {@code target}. */
  static double factorScale(Evaluator evaluator, Ciphertext ct, double target) {
    return target * prime(evaluator, ct.level()) / ct.scale();
  }

  /** c * ct, one level lower, at exactly {@code target}. */
  static Ciphertext multiplyTo(Evaluator evaluator, Ciphertext ct, double c, double target) {
    Ciphertext out = evaluator.multiplyByConstantNew(ct, c, factorScale(evaluator, ct, target));
    evaluator.rescale(out, out);
    out.setScale(target);
    return out;
  }

  /** The same ciphertext dropped to {@code level}, then multiplied by c to land at target one level lower. */
  static Ciphertext multiplyTo(Evaluator evaluator, Ciphertext ct, int level, double c, double target) {
    return multiplyTo(evaluator, evaluator.dropToLevelNew(ct, level), c, target);
  }

  /** a * b, relinearized and rescaled (one level), its scale pinned to the exact product. */
  static Ciphertext multiply(Evaluator evaluator, Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    Ciphertext out = evaluator.mulRelinNew(evaluator.dropToLevelNew(a, level), evaluator.dropToLevelNew(b, level));
    evaluator.rescale(out, out);
    return out;
  }
}
