package org.homocloud.he.serialization;

import java.io.IOException;
import java.io.InputStream;
import org.homocloud.he.HeException;

/**
 * Reads the big-endian primitives of the format from a stream, turning a premature end of input
 * into an {@link HeException} that names what was being read. Reads exactly what is asked and
 * nothing more, so several objects can follow each other on one stream.
 */
final class FormatReader {

  private final InputStream in;
  private final byte[] scratch = new byte[8];
  private long position;

  FormatReader(InputStream in) {
    this.in = in;
  }

  /** Bytes consumed so far; error messages quote it so a bad byte can be found in a dump. */
  long position() {
    return position;
  }

  int u8(String what) throws IOException {
    readFully(scratch, 1, what);
    return scratch[0] & 0xFF;
  }

  int u16(String what) throws IOException {
    readFully(scratch, 2, what);
    return ((scratch[0] & 0xFF) << 8) | (scratch[1] & 0xFF);
  }

  /** An unsigned 32-bit value, returned as a non-negative long. */
  long u32(String what) throws IOException {
    readFully(scratch, 4, what);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (scratch[i] & 0xFF);
    }
    return v;
  }

  long u64(String what) throws IOException {
    readFully(scratch, 8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (scratch[i] & 0xFF);
    }
    return v;
  }

  double f64(String what) throws IOException {
    return Double.longBitsToDouble(u64(what));
  }

  byte[] bytes(int length, String what) throws IOException {
    byte[] out = new byte[length];
    readFully(out, length, what);
    return out;
  }

  /** Fills the first {@code length} bytes of {@code buffer}, or fails naming {@code what}. */
  void readFully(byte[] buffer, int length, String what) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(buffer, done, length - done);
      if (n < 0) {
        throw new HeException(String.format(
            "truncated input: the data ends at byte %d, %d bytes short of the end of the %s",
            position + done, length - done, what));
      }
      done += n;
    }
    position += length;
  }
}
