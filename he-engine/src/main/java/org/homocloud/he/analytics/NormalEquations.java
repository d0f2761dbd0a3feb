package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Linear regression on ciphertexts, server half: from aligned feature vectors and an aligned
 * outcome (patient p in slot p of each, as {@link Gather} makes them), the encrypted Gram matrix
 * of [1 | X | y] ({@link EncryptedGram}). The key holder decrypts it and solves the normal
 * equations X^T X b = X^T y in plaintext ({@link LeastSquares}): a (d+1) x (d+1) solve is
 * trivial in the clear and would cost an iterative inversion and many bootstraps on ciphertexts,
 * while the Gram matrix reveals no more than the coefficients and the fit statistics a
 * regression report contains anyway.
 *
 * <p>How: each entry is a slot-wise product (one level; sums against the intercept are
 * multiplied by the constant 1 to land at the same level and scale), each patient vector is
 * rotated into its own block of B = nextPow2(patients) slots (right rotations shared by
 * {@link ShiftCombiner}), and one rotate-and-sum over B per packed ciphertext leaves each
 * entry's total at the start of its block. Result level: one below the inputs. Immutable.
 */
public final class NormalEquations {

  private final Evaluator evaluator;

  public NormalEquations(Evaluator evaluator) {
    this.evaluator = evaluator;
  }

  /** The encrypted Gram matrix over slots 0..patients-1 of the features and the outcome. */
  public EncryptedGram compute(List<Ciphertext> features, Ciphertext outcome, int patients) {
    if (features.isEmpty()) {
      throw new HeException("a regression needs at least one feature");
    }
    List<Ciphertext> columns = new ArrayList<>(features);
    columns.add(outcome);
    columns = Inputs.atCommonLevel(evaluator, columns, 1, "normal equations");
    int slots = 1 << columns.get(0).logSlots();
    if (patients < 1 || patients > slots) {
      throw new HeException("patients must be in [1, " + slots + "]: " + patients);
    }
    double scale = columns.get(0).scale();
    for (Ciphertext c : columns) {
      if (Math.abs(c.scale() / scale - 1) > Evaluator.SCALE_TOLERANCE) {
        throw new HeException("feature and outcome vectors must share one scale");
      }
    }
    int level = columns.get(0).level();
    double productScale = scale * scale / ExactScales.prime(evaluator, level);
    int count = columns.size() + 1;
    List<Ciphertext> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      for (int j = i; j < count; j++) {
        if (i == 0 && j == 0) {
          continue;
        }
        Ciphertext entry = i == 0
            ? ExactScales.multiplyTo(evaluator, columns.get(j - 1), 1.0, productScale)
            : ExactScales.multiply(evaluator, columns.get(i - 1), columns.get(j - 1));
        entry.setScale(productScale);
        entries.add(entry);
      }
    }
    int blockSize = Integer.highestOneBit(patients) == patients ? patients : Integer.highestOneBit(patients) << 1;
    int blocksPerCiphertext = slots / blockSize;
    List<Ciphertext> packed = new ArrayList<>();
    for (int first = 0; first < entries.size(); first += blocksPerCiphertext) {
      Map<Integer, Ciphertext> byShift = new TreeMap<>();
      for (int b = 0; b < blocksPerCiphertext && first + b < entries.size(); b++) {
        byShift.put(b * blockSize, entries.get(first + b));
      }
      Ciphertext blocks = ShiftCombiner.combine(evaluator, byShift, -1);
      packed.add(evaluator.rotateAndSumNew(blocks, blockSize));
    }
    return new EncryptedGram(patients, count, blockSize, blocksPerCiphertext, packed);
  }
}
