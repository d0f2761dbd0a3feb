package org.homocloud.he.analytics;

import org.homocloud.he.HeException;

/**
 * Row-major packing of a design matrix for {@link LogisticRegression}, as in Kim et al. (2018):
 * each patient's row (intercept first, then the features) occupies a block of
 * {@code blockSize} = nextPow2(columns) consecutive slots, padding zero; a ciphertext of
 * 2^logSlots slots holds {@code rowsPerCiphertext} rows; row r is in ciphertext
 * r / rowsPerCiphertext. The coefficient vector uses the same layout, repeated in every block.
 */
public record RowLayout(int columns, int blockSize, int logSlots) {

  public RowLayout {
    if (columns < 2) {
      throw new HeException("a model needs the intercept and at least one feature: columns " + columns);
    }
    if (blockSize < columns || Integer.bitCount(blockSize) != 1) {
      throw new HeException("block size must be a power of two of at least " + columns + ": " + blockSize);
    }
    if (blockSize > (1 << logSlots)) {
      throw new HeException("a row of " + blockSize + " slots does not fit in 2^" + logSlots + " slots");
    }
  }

  /** The tightest layout for {@code columns} (intercept included) in 2^logSlots slots. */
  public static RowLayout of(int columns, int logSlots) {
    int block = Integer.highestOneBit(columns) == columns ? columns : Integer.highestOneBit(columns) << 1;
    return new RowLayout(columns, block, logSlots);
  }

  public int slots() {
    return 1 << logSlots;
  }

  public int rowsPerCiphertext() {
    return slots() / blockSize;
  }

  /** Ciphertexts needed for this many rows. */
  public int ciphertextsFor(int rows) {
    return (rows + rowsPerCiphertext() - 1) / rowsPerCiphertext();
  }

  /** Where value (row, column) goes. */
  public SlotRef place(int row, int column) {
    if (column < 0 || column >= columns || row < 0) {
      throw new HeException("no place for row " + row + ", column " + column + " (" + columns + " columns)");
    }
    return new SlotRef(row / rowsPerCiphertext(), (row % rowsPerCiphertext()) * blockSize + column);
  }

  /** Signed rows y*_i (1, x_i) packed into ciphertext slot vectors (plaintext; for the encrypting client). */
  public double[][] pack(double[][] signedRows) {
    double[][] out = new double[ciphertextsFor(signedRows.length)][slots()];
    for (int r = 0; r < signedRows.length; r++) {
      if (signedRows[r].length != columns) {
        throw new HeException("row " + r + " has " + signedRows[r].length + " columns, expected " + columns);
      }
      for (int c = 0; c < columns; c++) {
        SlotRef place = place(r, c);
        out[place.ciphertext()][place.slot()] = signedRows[r][c];
      }
    }
    return out;
  }
}
