package org.homocloud.he.ring;

/** Bit-reversal permutations, shared by the NTT and the encoder's FFT. */
public final class BitReversal {

  private BitReversal() {}

  /** Reverses the lowest {@code bits} bits of {@code i}. */
  public static int reverse(int i, int bits) {
    return bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
  }
}
