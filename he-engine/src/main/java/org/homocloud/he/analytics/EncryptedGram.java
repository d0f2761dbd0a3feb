package org.homocloud.he.analytics;

import java.util.List;
import java.util.function.Function;
import org.homocloud.he.HeException;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Encrypted normal-equation statistics of a linear regression: the Gram matrix G = A^T A of the
 * augmented design A = [1 | x_1 .. x_d | y] over the cohort's patients, so that X^T X is G's top
 * left (d+1) x (d+1) block and X^T y its last column (y^T y, G's corner, gives the residual sum
 * of squares). G[0][0] is the public patient count and is not encrypted.
 *
 * <p>Layout: the upper-triangle entries (i <= j, without (0, 0)) in row order, entry e in
 * ciphertext {@code e / blocksPerCiphertext} at slot {@code (e % blocksPerCiphertext) * blockSize}.
 * The key holder decrypts, reads the entries with {@link #readGram} and solves with
 * {@link LeastSquares}.
 */
public record EncryptedGram(int patients, int columns, int blockSize, int blocksPerCiphertext, List<Ciphertext> packed) {

  public EncryptedGram {
    packed = List.copyOf(packed);
  }

  /** Number of encrypted entries: the upper triangle of a columns x columns matrix, less (0, 0). */
  public static int entries(int columns) {
    return columns * (columns + 1) / 2 - 1;
  }

  /** Index of entry (i, j), i <= j, (i, j) != (0, 0), in the layout. */
  public static int entryIndex(int columns, int i, int j) {
    if (i > j || j >= columns || (i == 0 && j == 0)) {
      throw new HeException("no Gram entry (" + i + ", " + j + ") for " + columns + " columns");
    }
    // Entries of rows before i, then the offset within row i; minus the absent (0, 0).
    return i * columns - i * (i - 1) / 2 + (j - i) - 1;
  }

  /** Slot of entry e within its ciphertext. */
  public int slotOf(int entry) {
    return (entry % blocksPerCiphertext) * blockSize;
  }

  /** Ciphertext that holds entry e. */
  public int ciphertextOf(int entry) {
    return entry / blocksPerCiphertext;
  }

  /**
   * The full symmetric Gram matrix, given the key holder's decryption of a ciphertext to its real
   * slot values.
   */
  public double[][] readGram(Function<Ciphertext, double[]> decrypt) {
    double[][] decrypted = new double[packed.size()][];
    for (int k = 0; k < packed.size(); k++) {
      decrypted[k] = decrypt.apply(packed.get(k));
    }
    double[][] gram = new double[columns][columns];
    gram[0][0] = patients;
    for (int i = 0; i < columns; i++) {
      for (int j = i; j < columns; j++) {
        if (i == 0 && j == 0) {
          continue;
        }
        int e = entryIndex(columns, i, j);
        gram[i][j] = decrypted[ciphertextOf(e)][slotOf(e)];
        gram[j][i] = gram[i][j];
      }
    }
    return gram;
  }
}
