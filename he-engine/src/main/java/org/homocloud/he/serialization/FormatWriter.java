package org.homocloud.he.serialization;

import java.io.IOException;
import java.io.OutputStream;

/** Writes the big-endian primitives of the format to a stream; the mirror of {@link FormatReader}. */
final class FormatWriter {

  private final OutputStream out;
  private final byte[] scratch = new byte[8];

  FormatWriter(OutputStream out) {
    this.out = out;
  }

  void u8(int value) throws IOException {
    out.write(value);
  }

  void u16(int value) throws IOException {
    scratch[0] = (byte) (value >>> 8);
    scratch[1] = (byte) value;
    out.write(scratch, 0, 2);
  }

  void u32(long value) throws IOException {
    for (int i = 0; i < 4; i++) {
      scratch[i] = (byte) (value >>> (24 - 8 * i));
    }
    out.write(scratch, 0, 4);
  }

  void u64(long value) throws IOException {
    for (int i = 0; i < 8; i++) {
      scratch[i] = (byte) (value >>> (56 - 8 * i));
    }
    out.write(scratch, 0, 8);
  }

  void f64(double value) throws IOException {
    u64(Double.doubleToRawLongBits(value));
  }

  void bytes(byte[] value) throws IOException {
    out.write(value);
  }

  void bytes(byte[] value, int length) throws IOException {
    out.write(value, 0, length);
  }
}
