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
 * without a level. Normalisation constants are public (reference ranges of each code, not
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

  /**
   * @param places places[i][j]: where feature j of patient i is stored
   * @param labels 0/1 per patient
   * @param centers c_j, subtracted from feature j
   * @param scales s_j, dividing feature j after centring
   * @return the signed rows, one level below the stored values
   */
  public List<Ciphertext> build(List<Ciphertext> stored, SlotRef[][] places, int[] labels, double[] centers,
      double[] scales, RowLayout layout) {
    int patients = places.length;
    if (patients == 0 || labels.length != patients) {
      throw new HeException("need one label per patient and at least one patient: " + labels.length + " labels, "
          + patients + " patients");
    }
    int features = layout.columns() - 1;
    if (centers.length != features || scales.length != features) {
      throw new HeException("need a centre and a scale for each of the " + features + " features");
    }
    int outputs = layout.ciphertextsFor(patients);
    List<Gather.Move> moves = new ArrayList<>();
    double[][] constants = new double[outputs][layout.slots()];
    for (int i = 0; i < patients; i++) {
      if (places[i].length != features) {
        throw new HeException("patient " + i + " has " + places[i].length + " feature values, expected " + features);
      }
      if (labels[i] != 0 && labels[i] != 1) {
        throw new HeException("labels must be 0 or 1; patient " + i + " has " + labels[i]);
      }
      double sign = labels[i] == 1 ? 1 : -1;
      SlotRef intercept = layout.place(i, 0);
      constants[intercept.ciphertext()][intercept.slot()] = sign;
      for (int j = 0; j < features; j++) {
        if (!(scales[j] > 0)) {
          throw new HeException("feature scale must be positive: " + scales[j]);
        }
        SlotRef to = layout.place(i, j + 1);
        moves.add(new Gather.Move(places[i][j], to, sign / scales[j]));
        constants[to.ciphertext()][to.slot()] = -sign * centers[j] / scales[j];
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
