package org.homocloud.fhir.store;

import java.io.InputStream;

/**
 * A deterministic pseudo-random byte stream of a given length, generated as it is read, so tests can
 * put and check blobs of many megabytes without holding them in memory.
 */
final class PatternStream extends InputStream {

  private final long length;
  private final long seed;
  private long position;

  PatternStream(long seed, long length) {
    this.seed = seed;
    this.length = length;
  }

  static byte[] bytes(long seed, int length) {
    byte[] b = new byte[length];
    int n = new PatternStream(seed, length).read(b, 0, length);
    assert n == length;
    return b;
  }

  private static byte at(long seed, long i) {
    long x = (i >>> 3) * 0x9E3779B97F4A7C15L + seed;
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return (byte) (x >>> ((i & 7) * 8));
  }

  @Override
  public int read() {
    return position < length ? at(seed, position++) & 0xff : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(count, length - position);
    for (int i = 0; i < n; i++) {
      buffer[offset + i] = at(seed, position++);
    }
    return n;
  }
}
