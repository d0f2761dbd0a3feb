package org.homocloud.fhir.store;

import java.io.IOException;
import java.io.InputStream;

/** Stream helpers shared by the stores. */
final class Streams {

  private Streams() {
  }

  /** Reads {@code in} until {@code buffer} is full or the stream ends; returns the bytes read. */
  static int readFully(InputStream in, byte[] buffer) throws IOException {
    int filled = 0;
    while (filled < buffer.length) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled;
  }
}
