package org.homocloud.he.serialization;

/**
 * Constants of the engine's one binary format (described in docs/formats.md). The version is
 * bumped whenever a layout changes; readers accept only the versions they know.
 */
public final class SerializationFormat {

  /** The version this engine writes, and the only one it reads. */
  public static final int VERSION = 1;

  /** Bytes of a public seed (a SHAKE128 seed, as {@link org.homocloud.he.ring.sampling.Xof} takes). */
  static final int SEED_BYTES = org.homocloud.he.ring.sampling.Xof.SEED_BYTES;

  /** Largest ciphertext degree the format carries: the engine's raw products have degree 2. */
  public static final int MAX_CIPHERTEXT_DEGREE = 2;

  /** Form byte: every polynomial written out. */
  static final int FORM_FULL = 0;

  /** Form byte: the uniform polynomials replaced by the seed they were expanded from. */
  static final int FORM_SEEDED = 1;

  private SerializationFormat() {}
}
