package org.homocloud.testdata.vectors;

import java.util.List;
import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;

/**
 * One cross-language test vector: a ciphertext of known slot values, or a malformed input that
 * a reader must refuse. The slot values come from a seeded {@link Random}, so the Java test can
 * recompute them without parsing the JSON the TypeScript tests read.
 */
record VectorSpec(
    String name,
    String parameterSet,
    Kind kind,
    int logSlots,
    boolean complex,
    long valueSeed,
    String expectError,
    String description) {

  /** How the ciphertext is made, or how a valid one is spoiled. */
  enum Kind {
    /** Seeded secret-key encryption at the top level. */
    SECRET_KEY_TOP,
    /** Public-key encryption at the top level (full form). */
    PUBLIC_KEY_TOP,
    /** Public-key encryption dropped to level 0. */
    PUBLIC_KEY_LEVEL0,
    /** Seeded secret-key encryption made directly at level 0. */
    SECRET_KEY_LEVEL0,
    /** Two public-key ciphertexts multiplied, relinearized and rescaled (one level down). */
    MUL_RELIN_RESCALE,
    /** Two ciphertexts multiplied without relinearization: degree 2. */
    MUL_DEGREE2,
    /** A ciphertext of another parameter set: the header fingerprint does not match. */
    OTHER_PARAMETERS,
    /** A valid ciphertext with a secret key serialized under another parameter set. */
    KEY_FOR_OTHER_PARAMETERS,
    /** A valid ciphertext with another key of the same parameters. */
    OTHER_KEY_SAME_PARAMETERS,
    TRUNCATED,
    BAD_MAGIC,
    UNKNOWN_VERSION,
    RESIDUE_NOT_BELOW_PRIME,
    BAD_FORM_BYTE,
    TRAILING_BYTES;

    boolean negative() {
      return ordinal() >= OTHER_PARAMETERS.ordinal();
    }

    /** Products have their values' products in the slots. */
    boolean product() {
      return this == MUL_RELIN_RESCALE || this == MUL_DEGREE2;
    }
  }

  static final String LOGN10 = "insecure-logn10";
  static final String LOGN12 = "insecure-logn12";
  static final String LOGN14 = "logn14";

  static CkksParameters parameters(String set) {
    return switch (set) {
      case LOGN10 -> CkksPresets.insecureForTestingLogN10();
      case LOGN12 -> CkksPresets.insecureForTestingLogN12();
      case LOGN14 -> CkksPresets.logN14();
      default -> throw new IllegalArgumentException("unknown parameter set " + set);
    };
  }

  /** Every vector, in the order the index lists them. */
  static List<VectorSpec> all() {
    String corrupted = "corrupted ciphertext: ";
    return List.of(
        ok("logn10-sk-top-real", LOGN10, Kind.SECRET_KEY_TOP, 9, false, 101,
            "seeded secret-key encryption, top level, 512 real slots"),
        ok("logn10-pk-top-complex", LOGN10, Kind.PUBLIC_KEY_TOP, 9, true, 102,
            "public-key encryption, top level, 512 complex slots"),
        ok("logn10-mul-rescale", LOGN10, Kind.MUL_RELIN_RESCALE, 9, true, 103,
            "product of two public-key encryptions after relinearize and rescale (level 3)"),
        ok("logn10-degree2", LOGN10, Kind.MUL_DEGREE2, 9, false, 104,
            "raw product (degree 2, not relinearized) at scale^2"),
        ok("logn10-pk-level0-sparse", LOGN10, Kind.PUBLIC_KEY_LEVEL0, 4, false, 105,
            "public-key encryption dropped to level 0, 16 sparse real slots"),
        ok("logn10-sk-level0-sparse-complex", LOGN10, Kind.SECRET_KEY_LEVEL0, 2, true, 106,
            "seeded secret-key encryption at level 0, 4 sparse complex slots"),
        ok("logn12-sk-top-complex", LOGN12, Kind.SECRET_KEY_TOP, 11, true, 201,
            "seeded secret-key encryption, top level, 2048 complex slots"),
        ok("logn12-pk-level0-sparse", LOGN12, Kind.PUBLIC_KEY_LEVEL0, 7, false, 202,
            "public-key encryption dropped to level 0, 128 sparse real slots"),
        ok("logn12-mul-rescale", LOGN12, Kind.MUL_RELIN_RESCALE, 11, false, 203,
            "product of two public-key encryptions at level 2, relinearized and rescaled to level 1"),
        ok("logn14-sk-top-real", LOGN14, Kind.SECRET_KEY_TOP, 13, false, 301,
            "the secure default preset: seeded secret-key encryption, top level, 8192 real slots"),
        bad("negative-other-parameters", LOGN10, Kind.OTHER_PARAMETERS,
            "ciphertext was made under other parameters",
            "a logN 12 ciphertext read with the logN 10 parameters"),
        bad("negative-key-for-other-parameters", LOGN10, Kind.KEY_FOR_OTHER_PARAMETERS,
            "wrong key for this data", "a logN 10 ciphertext with the logN 12 secret key"),
        bad("negative-other-key-same-parameters", LOGN10, Kind.OTHER_KEY_SAME_PARAMETERS,
            "wrong key for this data", "a logN 10 ciphertext with another logN 10 secret key"),
        bad("negative-truncated", LOGN10, Kind.TRUNCATED, corrupted + "truncated input",
            "the seeded top-level ciphertext cut in the middle of c_0"),
        bad("negative-bad-magic", LOGN10, Kind.BAD_MAGIC, corrupted + "not a Homocloud object",
            "first byte changed"),
        bad("negative-unknown-version", LOGN10, Kind.UNKNOWN_VERSION,
            corrupted + "unknown format version 2", "format version set to 2"),
        bad("negative-residue-not-below-prime", LOGN10, Kind.RESIDUE_NOT_BELOW_PRIME,
            corrupted + "c_0 limb 0 coefficient 0", "first residue of c_0 set to all ones"),
        bad("negative-bad-form-byte", LOGN10, Kind.BAD_FORM_BYTE, corrupted + "form byte 7",
            "form byte set to 7"),
        bad("negative-trailing-bytes", LOGN10, Kind.TRAILING_BYTES, corrupted + "trailing bytes",
            "three bytes appended after a valid ciphertext"));
  }

  private static VectorSpec ok(String name, String set, Kind kind, int logSlots, boolean complex,
      long seed, String description) {
    return new VectorSpec(name, set, kind, logSlots, complex, seed, null, description);
  }

  private static VectorSpec bad(String name, String set, Kind kind, String error, String description) {
    return new VectorSpec(name, set, kind, 0, false, 0, error, description);
  }

  /** Slot values: uniform in [-1, 1) (real and, if complex, imaginary parts). */
  double[][] inputs(int which) {
    int slots = 1 << logSlots;
    Random random = new Random(valueSeed * 31 + which);
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int i = 0; i < slots; i++) {
      re[i] = 2 * random.nextDouble() - 1;
      im[i] = complex ? 2 * random.nextDouble() - 1 : 0;
    }
    return new double[][] {re, im};
  }

  /** What the slots hold after the operation. */
  double[][] expected() {
    double[][] a = inputs(0);
    if (!kind.product()) {
      return a;
    }
    double[][] b = inputs(1);
    int slots = a[0].length;
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int i = 0; i < slots; i++) {
      re[i] = a[0][i] * b[0][i] - a[1][i] * b[1][i];
      im[i] = a[0][i] * b[1][i] + a[1][i] * b[0][i];
    }
    return new double[][] {re, im};
  }
}
