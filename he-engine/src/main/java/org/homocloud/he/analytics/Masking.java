package org.homocloud.he.analytics;

import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Plaintext;

/**
 * Slot masks: multiplies a ciphertext slot-wise by a plaintext vector of weights (0/1 to select,
 * 1/k to average, +-1/s to normalise), one level, landing on an exact target scale.
 *
 * <p>A CKKS mask is not exact: the encoded weights are rounded, so a "0" slot is about 2^-45 of a
 * "1" at a 50-bit scale, and keeps that multiple of the value it held (about 2^-37 for a value below
 * 300, below one fresh encryption's noise per slot). The analytics layer only releases
 * aggregates over a whole cohort, where thousands of such terms with public coefficients add up
 * with the cohort total and the noise, and the key holder rounds results to the guaranteed precision
 * before release ({@code Encoder.decodeRealPublic}), far above 2^-37: no single other value is
 * recoverable. Single-record reads need the exact mask and flood of {@code SlotIsolation} instead.
 */
final class Masking {

  private final Evaluator evaluator;
  private final Encoder encoder;

  Masking(Evaluator evaluator, Encoder encoder) {
    this.evaluator = evaluator;
    this.encoder = encoder;
  }

  /** The weight vector as a plaintext factor for ct, so that ct * mask rescales to target. */
  Plaintext mask(Ciphertext ct, double[] weights, double target) {
    return encoder.encode(weights, null, ct.logSlots(), ct.level(), ExactScales.factorScale(evaluator, ct, target));
  }

  /** ct * weights, one level lower, at exactly target. */
  Ciphertext apply(Ciphertext ct, double[] weights, double target) {
    Ciphertext out = product(ct, weights, target);
    evaluator.rescale(out, out);
    out.setScale(target);
    return out;
  }

  /**
   * ct * weights before the rescale, at target * q_level. A mask with one weight in every slot (a
   * whole packing group selected) is a constant: no encoding, no plaintext product.
   */
  private Ciphertext product(Ciphertext ct, double[] weights, double target) {
    if (weights.length == 1 << ct.logSlots() && isConstant(weights)) {
      return evaluator.multiplyByConstantNew(ct, weights[0], ExactScales.factorScale(evaluator, ct, target));
    }
    return evaluator.mulPlainNew(ct, mask(ct, weights, target));
  }

  private static boolean isConstant(double[] weights) {
    for (double w : weights) {
      if (w != weights[0]) {
        return false;
      }
    }
    return true;
  }

  /**
   * sum_c cts[c] * weights[c] with one rescale for the whole sum (the products are added at
   * the doubled scale): one level lower than the inputs, which must share a level.
   */
  Ciphertext weightedSum(List<Ciphertext> cts, List<double[]> weights, double target) {
    if (cts.isEmpty() || cts.size() != weights.size()) {
      throw new HeException("a weighted sum needs one weight vector per ciphertext, and at least one");
    }
    Ciphertext sum = null;
    for (int i = 0; i < cts.size(); i++) {
      Ciphertext ct = cts.get(i);
      if (ct.level() != cts.get(0).level()) {
        throw new HeException("cannot sum masked ciphertexts at different levels (" + ct.level() + " vs "
            + cts.get(0).level() + "); drop them to one level first");
      }
      Ciphertext term = product(ct, weights.get(i), target);
      // Pin the products to one scale: they agree up to the double rounding of the factor scales.
      term.setScale(target * ExactScales.prime(evaluator, ct.level()));
      if (sum == null) {
        sum = term;
      } else {
        evaluator.add(sum, term, sum);
      }
    }
    evaluator.rescale(sum, sum);
    sum.setScale(target);
    return sum;
  }
}
