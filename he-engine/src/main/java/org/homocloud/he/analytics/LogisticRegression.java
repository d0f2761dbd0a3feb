package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.bootstrap.Bootstrapper;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Logistic regression trained on ciphertexts: Nesterov-accelerated gradient ascent on the
 * log-likelihood with a cubic sigmoid, after Kim et al., "Logistic regression model training
 * based on the approximate homomorphic encryption" (BMC Medical Genomics 11:83, 2018; iDASH
 * 2017), with bootstrapping between iterations so the iteration count is not bounded by depth.
 *
 * <p>Input: signed rows z_i = y*_i (1, x_i), y* = +-1, packed by {@link RowLayout} (features
 * normalised to about [-1, 1] with public constants, so the linear predictor stays inside the
 * sigmoid's interval). One iteration, from (w, v) at level L:
 * <ol>
 *   <li>t_i = z_i . v: slot-wise product (L-1), rotate-and-sum inside each row block, a mask
 *       keeps the block's first slot (L-2), rotations replicate it over the block (column-major:
 *       the rotate-and-sum over the columns leaves t_i in every slot of the row, a constant 1 in
 *       place of the mask keeps the levels);
 *   <li>g = (alpha_t / n) sum_i sigma(-t_i) z_i with sigma(-t) = c0 - c1 t - c3 t^3: the
 *       constants are folded into copies of z at exactly the scales that make every term land
 *       on the same scale at L-4; rotate-and-sum over the row blocks;
 *   <li>w' = v + g (L-4); v' = (1 - eta_t) w' + eta_t w (L-5).
 * </ol>
 * Five levels per iteration. When fewer are left, w'/2 + i v'/2 is packed into one complex
 * ciphertext and bootstrapped once (one bootstrap refreshes both vectors); w and v come back by
 * conjugation. The first iteration (from w = v = 0) needs no product and no level below the
 * rows. Immutable and thread-safe.
 */
public final class LogisticRegression {

  /** Levels one iteration consumes. */
  public static final int LEVELS_PER_ITERATION = 5;

  private final Evaluator evaluator;
  private final Masking masking;
  private final Bootstrapper bootstrapper;
  private final NesterovSchedule schedule;
  private final SigmoidApproximation sigmoid;
  private final double coefficientBound;

  /**
   * @param evaluator with the relinearization key, conjugation, and {@link #rotationsNeeded} at
   *     least up to the bootstrapper's {@code levelsLeft()} level
   * @param coefficientBound a bound on |w| and |v| (default 4 for normalised features), used to
   *     keep the bootstrapped message small against q_0 (the sine approximation of EvalMod is
   *     accurate only near zero); it also bounds the normalised row values when rows are bootstrapped
   */
  public LogisticRegression(Evaluator evaluator, Encoder encoder, Bootstrapper bootstrapper,
      NesterovSchedule schedule, SigmoidApproximation sigmoid, double coefficientBound) {
    if (bootstrapper.parameters().levelsLeft() < LEVELS_PER_ITERATION) {
      throw new HeException("logistic regression needs " + LEVELS_PER_ITERATION + " levels after bootstrapping, "
          + "these bootstrapping parameters leave " + bootstrapper.parameters().levelsLeft());
    }
    if (!(coefficientBound > 0)) {
      throw new HeException("coefficient bound must be positive: " + coefficientBound);
    }
    this.evaluator = evaluator;
    this.masking = new Masking(evaluator, encoder);
    this.bootstrapper = bootstrapper;
    this.schedule = schedule;
    this.sigmoid = sigmoid;
    this.coefficientBound = coefficientBound;
  }

  /** Kim et al.'s schedule and cubic, coefficients bounded by 4. */
  public LogisticRegression(Evaluator evaluator, Encoder encoder, Bootstrapper bootstrapper) {
    this(evaluator, encoder, bootstrapper, NesterovSchedule.kim(), SigmoidApproximation.kimDegree3(), 4);
  }

  /** Rotations (slot shifts) the evaluator needs Galois keys for, besides conjugation. */
  public static SortedSet<Integer> rotationsNeeded(RowLayout layout) {
    SortedSet<Integer> out = new TreeSet<>();
    if (layout.columnMajor()) {
      for (int step = 1; step < layout.blockSize(); step <<= 1) {
        out.add(step * layout.columnStride());
      }
      for (int step = 1; step < layout.rowsPerCiphertext(); step <<= 1) {
        out.add(step);
        out.add(-step);
      }
      return out;
    }
    for (int step = 1; step < layout.blockSize(); step <<= 1) {
      out.add(step);
      out.add(-step);
    }
    for (int step = layout.blockSize(); step < layout.slots(); step <<= 1) {
      out.add(step);
    }
    return out;
  }

  public EncryptedLogisticModel train(List<Ciphertext> signedRows, RowLayout layout, int patients, int iterations) {
    return train(signedRows, layout, patients, iterations, t -> { });
  }

  /**
   * Trains for {@code iterations} from zero; {@code progress} hears each finished iteration.
   * Rows below the bootstrapper's {@code levelsLeft()} (as gathered from storage) are
   * bootstrapped once first; rows one level above it save a bootstrap after the first iteration.
   */
  public EncryptedLogisticModel train(List<Ciphertext> signedRows, RowLayout layout, int patients, int iterations,
      IntConsumer progress) {
    int top = bootstrapper.parameters().levelsLeft();
    double scale = bootstrapper.parameters().ckks().defaultScale();
    if (iterations < 1) {
      throw new HeException("iterations must be at least 1: " + iterations);
    }
    if (signedRows.size() != layout.ciphertextsFor(patients)) {
      throw new HeException(patients + " rows need " + layout.ciphertextsFor(patients) + " ciphertexts in this layout, "
          + signedRows.size() + " were given");
    }
    int bootstraps = 0;
    List<Ciphertext> rows = new ArrayList<>();
    for (Ciphertext ct : signedRows) {
      if (ct.logSlots() != layout.logSlots() || ct.logSlots() != bootstrapper.parameters().ckks().logSlots()) {
        throw new HeException("rows must have 2^" + layout.logSlots() + " slots, as the layout and the bootstrapper; "
            + "a ciphertext has 2^" + ct.logSlots());
      }
      // Rows gathered from storage sit low in the chain: refresh them once, they are reused at
      // every iteration.
      if (ct.level() < top) {
        rows.add(bootstrapShrunk(ct));
        bootstraps++;
      } else {
        rows.add(evaluator.dropToLevelNew(ct, Math.min(ct.level(), top + 1)));
      }
    }
    // Row-major, the inner product is right at each row's first slot only: a mask keeps those. Column-major, every
    // slot already holds its row's inner product: the constant 1 spends the same level, so the steps stay alike.
    // Column-major, the row sums leave partial sums in the unused upper half of each column segment; they grow
    // with the iterations, and a bootstrap's error grows with the largest slot, so the refresh zeroes them with
    // the constants it multiplies by anyway (same level). Row-major has no such slots: null, plain constants.
    double[] rowSlots = layout.columnMajor() ? rowSlots(layout) : null;
    double[] predictorMask = new double[layout.slots()];
    for (int s = 0; s < predictorMask.length; s += layout.columnMajor() ? 1 : layout.blockSize()) {
      predictorMask[s] = 1;
    }

    // Iteration 1 from w = v = 0: sigma(0) = c0, so g = (alpha_1 / n) c0 sum_i z_i.
    Ciphertext g = null;
    for (Ciphertext z : rows) {
      Ciphertext term = ExactScales.multiplyTo(evaluator, z, sigmoid.c0() * schedule.learningRate(1) / patients, scale);
      g = g == null ? term : evaluator.addNew(g, term);
    }
    Ciphertext w = sumRows(g, layout);
    if (w.level() < LEVELS_PER_ITERATION && iterations > 1) {
      w = bootstrapShrunk(w);
      bootstraps++;
    }
    Ciphertext v = w;
    progress.accept(1);
    for (int t = 2; t <= iterations; t++) {
      Ciphertext next = step(rows, v, t, layout, patients, predictorMask, scale);
      if (t < iterations) {
        double eta = schedule.momentum(t);
        if (next.level() - 1 < LEVELS_PER_ITERATION) {
          Ciphertext[] refreshed = refresh(next, w, eta, rowSlots, scale);
          bootstraps++;
          w = refreshed[0];
          v = refreshed[1];
        } else {
          v = evaluator.addNew(ExactScales.multiplyTo(evaluator, next, 1 - eta, scale),
              ExactScales.multiplyTo(evaluator, w, next.level(), eta, scale));
          w = next;
        }
      } else {
        w = next;
      }
      progress.accept(t);
    }
    return new EncryptedLogisticModel(w, layout.columns(), layout.columnStride(), iterations, bootstraps);
  }

  /** One gradient step from v: returns w' = v + g at v's level minus 4. */
  private Ciphertext step(List<Ciphertext> rows, Ciphertext v, int t, RowLayout layout, int patients,
      double[] predictorMask, double scale) {
    int level = v.level();
    double rate = schedule.learningRate(t) / patients;
    Ciphertext g = null;
    for (Ciphertext z : rows) {
      Ciphertext products = ExactScales.multiply(evaluator, z, v);
      for (int step = 1; step < layout.blockSize(); step <<= 1) {
        evaluator.add(products, evaluator.rotateNew(products, step * layout.columnStride()), products);
      }
      Ciphertext predictor = masking.apply(products, predictorMask, scale);
      if (!layout.columnMajor()) {
        for (int step = 1; step < layout.blockSize(); step <<= 1) {
          evaluator.add(predictor, evaluator.rotateNew(predictor, -step), predictor);
        }
      }
      // sigma(-t) z = c0 z - c1 t z - c3 t^3 z, every term landing at (level - 4, scale).
      Ciphertext square = ExactScales.multiply(evaluator, predictor, predictor);
      double cubeFactorScale = prime(level - 2) * prime(level - 3) / square.scale();
      Ciphertext cubeFactor = ExactScales.multiplyTo(evaluator, z, level - 1, -sigmoid.c3() * rate, cubeFactorScale);
      Ciphertext cube = ExactScales.multiply(evaluator, square, ExactScales.multiply(evaluator, predictor, cubeFactor));
      cube.setScale(scale);
      Ciphertext linearFactor = ExactScales.multiplyTo(evaluator, z, level - 2, -sigmoid.c1() * rate, prime(level - 3));
      Ciphertext linear = ExactScales.multiply(evaluator, evaluator.dropToLevelNew(predictor, level - 3), linearFactor);
      linear.setScale(scale);
      Ciphertext constant = ExactScales.multiplyTo(evaluator, z, level - 3, sigmoid.c0() * rate, scale);
      Ciphertext term = evaluator.addNew(evaluator.addNew(cube, linear), constant);
      g = g == null ? term : evaluator.addNew(g, term);
    }
    return evaluator.addNew(evaluator.dropToLevelNew(v, level - 4), sumRows(g, layout));
  }

  /**
   * Every row's place receives the sum over all rows, column by column. Row-major: cyclic rotate-and-sum with stride
   * blockSize. Column-major: patients fill the lower half (length L) of each column segment; a window of length L
   * forwards and one backwards from any patient's slot together cover every patient of the segment, and reach only
   * padding (zeros) of the neighbouring segments, so forward + backward - g is the column's sum there, with no mask
   * (the padding slots get partial sums, which only ever meet zeros of the rows).
   */
  private Ciphertext sumRows(Ciphertext g, RowLayout layout) {
    if (layout.columnMajor()) {
      Ciphertext forward = g.copy();
      Ciphertext backward = g.copy();
      for (int step = 1; step < layout.rowsPerCiphertext(); step <<= 1) {
        evaluator.add(forward, evaluator.rotateNew(forward, step), forward);
        evaluator.add(backward, evaluator.rotateNew(backward, -step), backward);
      }
      return evaluator.subNew(evaluator.addNew(forward, backward), g);
    }
    Ciphertext out = g.copy();
    for (int step = layout.blockSize(); step < layout.slots(); step <<= 1) {
      evaluator.add(out, evaluator.rotateNew(out, step), out);
    }
    return out;
  }

  /**
   * The momentum step fused with the refresh: packs w'/2 + i v'/2 with v' = (1 - eta) w' + eta w
   * (the halves folded into the constants: one level), bootstraps it once, and separates the two
   * again: w' = c + conj(c), v' = i (conj(c) - c), both exact.
   */
  private Ciphertext[] refresh(Ciphertext next, Ciphertext previous, double eta, double[] rowSlots, double scale) {
    Ciphertext halfNext = times(next, 0.5, rowSlots, scale);
    Ciphertext halfMoved = evaluator.addNew(times(next, (1 - eta) / 2, rowSlots, scale),
        times(evaluator.dropToLevelNew(previous, next.level()), eta / 2, rowSlots, scale));
    Ciphertext packed = evaluator.addNew(halfNext, evaluator.multiplyByINew(halfMoved));
    Ciphertext refreshed = bootstrapShrunk(packed);
    Ciphertext conjugate = evaluator.conjugateNew(refreshed);
    Ciphertext w = evaluator.addNew(refreshed, conjugate);
    Ciphertext v = evaluator.multiplyByINew(evaluator.subNew(conjugate, refreshed));
    return new Ciphertext[] {w, v};
  }

  /** c ct at target, one level lower; with {@code rowSlots}, only there (zero elsewhere). */
  private Ciphertext times(Ciphertext ct, double c, double[] rowSlots, double target) {
    if (rowSlots == null) {
      return ExactScales.multiplyTo(evaluator, ct, c, target);
    }
    double[] weights = new double[rowSlots.length];
    for (int s = 0; s < weights.length; s++) {
      weights[s] = c * rowSlots[s];
    }
    return masking.apply(ct, weights, target);
  }

  /** 1 where a column-major layout puts patients (the lower half of each column segment), 0 elsewhere. */
  private static double[] rowSlots(RowLayout layout) {
    double[] slots = new double[layout.slots()];
    for (int c = 0; c < layout.blockSize(); c++) {
      java.util.Arrays.fill(slots, c * layout.columnStride(), c * layout.columnStride() + layout.rowsPerCiphertext(), 1);
    }
    return slots;
  }

  /**
   * Bootstraps with the message shrunk by 2^k in the scale metadata (no level spent), so that
   * |m| / 2^(logMessageRatio + k) stays below 2^-8 where the sine of EvalMod is close to linear;
   * the bootstrap's absolute error grows by the same 2^k, a good trade for |m| up to the bound.
   */
  private Ciphertext bootstrapShrunk(Ciphertext ct) {
    int ratio = bootstrapper.parameters().logMessageRatio();
    double q0 = prime(0);
    int headroom = (int) Math.floor(Math.log(q0 / ct.scale()) / Math.log(2)) - ratio - 1;
    int wanted = (int) Math.ceil(Math.log(coefficientBound) / Math.log(2)) + 8 - ratio;
    int k = Math.max(0, Math.min(wanted, headroom));
    double original = ct.scale();
    Ciphertext shrunk = ct.copy();
    shrunk.setScale(Math.scalb(original, k));
    Ciphertext out = bootstrapper.bootstrap(shrunk);
    out.setScale(original);
    return out;
  }

  private double prime(int level) {
    return ExactScales.prime(evaluator, level);
  }
}
