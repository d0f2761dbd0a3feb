package org.homocloud.he.serialization;

/**
 * Packs non-negative values of a fixed bit width into bytes, most significant bit first, with
 * no padding between values. A 50-bit prime's residues thus take 50 bits each, not 64.
 */
final class BitPacking {

  private BitPacking() {}

  /** Bytes taken by {@code count} values of {@code width} bits, rounded up to whole bytes. */
  static long packedBytes(long count, int width) {
    return (count * width + 7) / 8;
  }

  /**
   * Writes {@code values[0..count)} at {@code width} bits each into {@code out}; returns the number
   * of bytes used. Every value must be below 2^width (callers check their own range first).
   */
  static int pack(long[] values, int count, int width, byte[] out) {
    Packer packer = new Packer(out);
    for (int i = 0; i < count; i++) {
      packer.put(values[i], width);
    }
    return packer.finish();
  }

  /** Reads {@code count} values of {@code width} bits from {@code in} into {@code values}. */
  static void unpack(byte[] in, int count, int width, long[] values) {
    Unpacker unpacker = new Unpacker(in);
    for (int i = 0; i < count; i++) {
      values[i] = unpacker.get(width);
    }
  }

  /**
   * Accumulates bits and flushes whole bytes. Values wider than 32 bits go in two halves so
   * that the accumulator (at most 7 pending bits plus 32 new ones) never overflows a long.
   */
  private static final class Packer {
    private final byte[] out;
    private int position;
    private long pending;
    private int pendingBits;

    Packer(byte[] out) {
      this.out = out;
    }

    void put(long value, int width) {
      if (width > 32) {
        putSmall(value >>> 32, width - 32);
        putSmall(value & 0xFFFF_FFFFL, 32);
      } else {
        putSmall(value, width);
      }
    }

    private void putSmall(long value, int width) {
      pending = (pending << width) | value;
      pendingBits += width;
      while (pendingBits >= 8) {
        pendingBits -= 8;
        out[position++] = (byte) (pending >>> pendingBits);
      }
    }

    int finish() {
      if (pendingBits > 0) {
        out[position++] = (byte) (pending << (8 - pendingBits));
        pendingBits = 0;
      }
      return position;
    }
  }

  /** The mirror of {@link Packer}. */
  private static final class Unpacker {
    private final byte[] in;
    private int position;
    private long pending;
    private int pendingBits;

    Unpacker(byte[] in) {
      this.in = in;
    }

    long get(int width) {
      if (width > 32) {
        long high = getSmall(width - 32);
        return (high << 32) | getSmall(32);
      }
      return getSmall(width);
    }

    private long getSmall(int width) {
      while (pendingBits < width) {
        pending = (pending << 8) | (in[position++] & 0xFF);
        pendingBits += 8;
      }
      pendingBits -= width;
      return (pending >>> pendingBits) & ((1L << width) - 1);
    }
  }
}
