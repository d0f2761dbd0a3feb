package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Builds the encrypted input of {@link LogisticRegression} from stored values: for patient i
 * with plaintext label y_i (for example "has a Condition with this code", which the server
 * knows) and feature values at scattered places, the row y*_i (1, (x_i1 - c_1) / s_1, ...) in a
 * {@link RowLayout}. One {@link Gather} does the alignment, the normalisation and the signing
 * (the weights are y*_i / s_j); the intercept and the centring terms are plaintext and are added
 * without a level, and so are plaintext covariates (age and gender from Patient, which the server
 * knows), in the columns after the encrypted features. Normalisation constants are public (reference ranges of each code, not
 * statistics of the cohort), chosen so that normalised values lie in about [-1, 1].
 * Immutable and thread-safe.
 */
public final class SignedRows {

  private final Evaluator evaluator;
  private final Encoder encoder;
  private final Gather gather;

  public SignedRows(Evaluator evaluator, Encoder encoder) {
    this.evaluator = evaluator;
    this.encoder = encoder;
    this.gather = new Gather(evaluator, encoder);
  }

  /** Rows from encrypted features only; see {@link #build(List, SlotRef[][], double[][], int[], double[], double[], RowLayout)}. */
  public List<Ciphertext> build(List<Ciphertext> stored, SlotRef[][] places, int[] labels, double[] centers,
      double[] scales, RowLayout layout) {
    return build(stored, places, new double[places.length][0], labels, centers, scales, layout);
  }

  /**
   * @param places places[i][j]: where encrypted feature j of patient i is stored
   * @param covariates covariates[i][k]: plaintext covariate k of patient i (columns after the features)
   * @param labels 0/1 per patient
   * @param centers c_j, subtracted from column j (features, then covariates)
   * @param scales s_j, dividing column j after centring
   * @return the signed rows, one level below the stored values
   */
  public List<Ciphertext> build(List<Ciphertext> stored, SlotRef[][] places, double[][] covariates, int[] labels,
      double[] centers, double[] scales, RowLayout layout) {
    int patients = places.length;
    if (patients == 0 || labels.length != patients || covariates.length != patients) {
      throw new HeException("need one label and one covariate row per patient, and at least one patient: "
          + labels.length + " labels, " + covariates.length + " covariate rows, " + patients + " patients");
    }
    int columns = layout.columns() - 1;
    if (centers.length != columns || scales.length != columns) {
      throw new HeException("need a centre and a scale for each of the " + columns + " columns");
    }
    for (double s : scales) {
      if (!(s > 0)) {
        throw new HeException("column scale must be positive: " + s);
      }
    }
    int outputs = layout.ciphertextsFor(patients);
    List<Gather.Move> moves = new ArrayList<>();
    double[][] constants = new double[outputs][layout.slots()];
    for (int i = 0; i < patients; i++) {
      int features = places[i].length;
      if (features < 1 || features + covariates[i].length != columns) {
        throw new HeException("patient " + i + " has " + features + " encrypted features and " + covariates[i].length
            + " covariates; the layout has " + columns + " columns and needs at least one encrypted feature");
      }
      if (labels[i] != 0 && labels[i] != 1) {
        throw new HeException("labels must be 0 or 1; patient " + i + " has " + labels[i]);
      }
      double sign = labels[i] == 1 ? 1 : -1;
      SlotRef intercept = layout.place(i, 0);
      constants[intercept.ciphertext()][intercept.slot()] = sign;
      for (int j = 0; j < features; j++) {
        SlotRef to = layout.place(i, j + 1);
        moves.add(new Gather.Move(places[i][j], to, sign / scales[j]));
        constants[to.ciphertext()][to.slot()] = -sign * centers[j] / scales[j];
      }
      for (int k = 0; k < covariates[i].length; k++) {
        int column = features + k;
        SlotRef to = layout.place(i, column + 1);
        constants[to.ciphertext()][to.slot()] = sign * (covariates[i][k] - centers[column]) / scales[column];
      }
    }
    List<Ciphertext> rows = gather.gather(stored, moves, outputs);
    List<Ciphertext> out = new ArrayList<>(outputs);
    for (int o = 0; o < outputs; o++) {
      Ciphertext row = rows.get(o);
      out.add(evaluator.addPlainNew(row,
          encoder.encode(constants[o], null, row.logSlots(), row.level(), row.scale())));
    }
    return out;
  }
}
