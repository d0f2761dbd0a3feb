package org.homocloud.he.ring.sampling;

import org.homocloud.he.HeException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHAKEDigest;

/**
 * A seeded extendable-output function (SHAKE128): the deterministic source of every sampled
 * polynomial. Seeded uniform polynomials (the "a" of seeded keys and ciphertexts) are expanded
 * from a public 32-byte seed; secrets and errors come from a fresh seed drawn from the
 * platform's {@link SecureRandom}. Not thread-safe: one instance per sampling task.
 */
public final class Xof {

  public static final int SEED_BYTES = 32;
  private static final SecureRandom SECURE_RANDOM = new SecureRandom();

  private final SHAKEDigest shake = new SHAKEDigest(128);
  private final byte[] buffer = new byte[4096];
  private int position = buffer.length;

  public Xof(byte[] seed) {
    if (seed.length != SEED_BYTES) {
      throw new HeException("seed must be " + SEED_BYTES + " bytes: " + seed.length);
    }
    shake.update(seed, 0, seed.length);
  }

  /** An XOF over a fresh seed from the platform's cryptographically secure generator. */
  public static Xof fromSecureSeed() {
    return new Xof(newSeed());
  }

  public static byte[] newSeed() {
    byte[] seed = new byte[SEED_BYTES];
    SECURE_RANDOM.nextBytes(seed);
    return seed;
  }

  public long nextLong() {
    if (position + 8 > buffer.length) {
      shake.doOutput(buffer, 0, buffer.length);
      position = 0;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buffer[position++] & 0xFF);
    }
    return v;
  }
}
