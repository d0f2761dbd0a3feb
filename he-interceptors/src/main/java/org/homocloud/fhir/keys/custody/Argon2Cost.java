package org.homocloud.fhir.keys.custody;

/**
 * Cost parameters of Argon2id (RFC 9106): memory in KiB, passes over it, and lanes. Stored in each
 * key file's header, so a file states the cost it was made with and stronger costs need no new format.
 *
 * @param memoryKiB memory, in KiB: at least 8 x parallelism, at most {@value #MAX_MEMORY_KIB} (4 GiB)
 * @param iterations passes over memory: 1 to {@value #MAX_ITERATIONS}
 * @param parallelism lanes: 1 to {@value #MAX_PARALLELISM}
 */
public record Argon2Cost(int memoryKiB, int iterations, int parallelism) {

  /** Bounds a reader enforces before running the KDF, so a hostile file cannot demand unbounded memory. */
  public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  public static final int MAX_ITERATIONS = 64;

  public static final int MAX_PARALLELISM = 16;

  /**
   * RFC 9106 section 4's second recommended option, for memory-constrained environments: 64 MiB,
   * 3 passes, 4 lanes. Bouncy Castle computes the lanes one after another, so on any machine this
   * costs 3 passes over 64 MiB.
   */
  public static final Argon2Cost RFC9106_SECOND_RECOMMENDED = new Argon2Cost(64 * 1024, 3, 4);

  public Argon2Cost {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new KeyFileException("Argon2 parallelism " + parallelism + " is out of range [1, " + MAX_PARALLELISM + "]");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new KeyFileException("Argon2 iterations " + iterations + " is out of range [1, " + MAX_ITERATIONS + "]");
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new KeyFileException("Argon2 memory " + memoryKiB + " KiB is out of range [" + 8 * parallelism
          + ", " + MAX_MEMORY_KIB + "] for parallelism " + parallelism);
    }
  }

  /** INSECURE, for tests: 64 KiB and one pass, so a test opens a key file in milliseconds. */
  public static Argon2Cost insecureForTesting() {
    return new Argon2Cost(64, 1, 1);
  }
}
