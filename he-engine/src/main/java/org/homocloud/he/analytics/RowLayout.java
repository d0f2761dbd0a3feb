package org.homocloud.he.analytics;

import org.homocloud.he.HeException;

/**
 * Packing of a design matrix for {@link LogisticRegression}. Row-major, as in Kim et al. (2018): each patient's
 * row (intercept first, then the features) occupies a block of {@code blockSize} = nextPow2(columns) consecutive
 * slots, padding zero; a ciphertext of 2^logSlots slots holds {@code rowsPerCiphertext} rows; row r is in
 * ciphertext r / rowsPerCiphertext. The coefficient vector uses the same layout, repeated in every block.
 *
 * <p>Column-major ({@link #columnMajor(int, int)}): the slots form {@code blockSize} segments of S = slots /
 * blockSize, column c in segment c, the patient at position p of it (slot c S + p); only the lower half of each
 * segment holds patients (rowsPerCiphertext = S / 2), so that sums over patients need no mask (see
 * {@link LogisticRegression}). What it is for: values aligned one vector per feature with patient p in slot p
 * move into it with one rotation per feature, where the row-major layout needs one shift per patient and feature.
 */
public record RowLayout(int columns, int blockSize, int logSlots, boolean columnMajor) {

  /** Row-major. */
  public RowLayout(int columns, int blockSize, int logSlots) {
    this(columns, blockSize, logSlots, false);
  }

  public RowLayout {
    if (columns < 2) {
      throw new HeException("a model needs the intercept and at least one feature: columns " + columns);
    }
    if (blockSize < columns || Integer.bitCount(blockSize) != 1) {
      throw new HeException("block size must be a power of two of at least " + columns + ": " + blockSize);
    }
    if (blockSize > (1 << logSlots) || (columnMajor && 2 * blockSize > (1 << logSlots))) {
      throw new HeException("a row of " + blockSize + " slots does not fit in 2^" + logSlots + " slots");
    }
  }

  /** The tightest row-major layout for {@code columns} (intercept included) in 2^logSlots slots. */
  public static RowLayout of(int columns, int logSlots) {
    return new RowLayout(columns, blockFor(columns), logSlots, false);
  }

  /** The column-major layout for {@code columns} (intercept included) in 2^logSlots slots. */
  public static RowLayout columnMajor(int columns, int logSlots) {
    return new RowLayout(columns, blockFor(columns), logSlots, true);
  }

  private static int blockFor(int columns) {
    return Integer.highestOneBit(columns) == columns ? columns : Integer.highestOneBit(columns) << 1;
  }

  /** Slots between one column and the next of a row: 1 row-major, a segment column-major. */
  public int columnStride() {
    return columnMajor ? segment() : 1;
  }

  /** Slots of one column segment (column-major). */
  private int segment() {
    return slots() / blockSize;
  }

  public int slots() {
    return 1 << logSlots;
  }

  public int rowsPerCiphertext() {
    return columnMajor ? segment() / 2 : slots() / blockSize;
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
    int position = row % rowsPerCiphertext();
    return new SlotRef(row / rowsPerCiphertext(), columnMajor ? column * segment() + position : position * blockSize + column);
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
