package org.homocloud.he.serialization;

import java.io.IOException;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;

/**
 * Writes and reads the first limbs of an RNS polynomial, each limb bit-packed at the bit length
 * of its prime. Reading checks every residue against its prime, and allocates a limb only once
 * its bytes have arrived, so a short input cannot make the reader allocate much.
 */
final class PolyPacking {

  private PolyPacking() {}

  /** Bytes taken by the first {@code limbs} limbs of a polynomial over {@code ring}. */
  static long size(RnsRing ring, int limbs) {
    long total = 0;
    for (int i = 0; i < limbs; i++) {
      total += BitPacking.packedBytes(ring.n(), ring.modulus(i).bitLength());
    }
    return total;
  }

  static void write(FormatWriter out, RnsRing ring, RnsPoly poly, int limbs, String what)
      throws IOException {
    if (poly.n() != ring.n() || poly.limbCount() < limbs) {
      throw new HeException("cannot write " + what + ": it has degree " + poly.n() + " and "
          + poly.limbCount() + " limbs, the parameters need degree " + ring.n() + " and " + limbs);
    }
    byte[] buffer = new byte[(int) BitPacking.packedBytes(ring.n(), maxBits(ring, limbs))];
    for (int i = 0; i < limbs; i++) {
      Modulus modulus = ring.modulus(i);
      long q = modulus.value();
      long[] limb = poly.limb(i);
      for (int j = 0; j < limb.length; j++) {
        if (limb[j] < 0 || limb[j] >= q) {
          throw new HeException("cannot write " + what + ": limb " + i + " coefficient " + j
              + " holds " + limb[j] + ", which is not a residue modulo " + q);
        }
      }
      int length = BitPacking.pack(limb, limb.length, modulus.bitLength(), buffer);
      out.bytes(buffer, length);
    }
  }

  /** Reads {@code limbs} limbs over the first primes of {@code ring}. */
  static RnsPoly read(FormatReader in, RnsRing ring, int limbs, String what) throws IOException {
    int n = ring.n();
    byte[] buffer = new byte[(int) BitPacking.packedBytes(n, maxBits(ring, limbs))];
    long[][] data = new long[limbs][];
    for (int i = 0; i < limbs; i++) {
      Modulus modulus = ring.modulus(i);
      int width = modulus.bitLength();
      int length = (int) BitPacking.packedBytes(n, width);
      in.readFully(buffer, length, what + " limb " + i);
      long[] limb = new long[n];
      BitPacking.unpack(buffer, n, width, limb);
      long q = modulus.value();
      for (int j = 0; j < n; j++) {
        if (limb[j] >= q) {
          throw new HeException(what + " limb " + i + " coefficient " + j + " is " + limb[j]
              + ", not below its prime " + q);
        }
      }
      data[i] = limb;
    }
    return new RnsPoly(data);
  }

  private static int maxBits(RnsRing ring, int limbs) {
    int max = 1;
    for (int i = 0; i < limbs; i++) {
      max = Math.max(max, ring.modulus(i).bitLength());
    }
    return max;
  }
}
