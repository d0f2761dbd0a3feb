package org.homocloud.he.rlwe;

/**
 * Largest log2(Q*P) that keeps 128-bit classical security for a uniform ternary secret and error
 * sigma 3.2, from the HomomorphicEncryption.org standard (Albrecht et al., 2018), extended to
 * logN 16 as in the issue tracker's reference values (1747).
 */
public final class SecurityTable {

  private static final int[] MAX_LOG_QP_128 = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 27, 54, 109, 218, 438, 881, 1747
  };

  private SecurityTable() {}

  /** The 128-bit limit for log2(QP) at this ring degree, or 0 when the table has no entry. */
  public static int maxLogQp128(int logN) {
    return logN >= 0 && logN < MAX_LOG_QP_128.length ? MAX_LOG_QP_128[logN] : 0;
  }

  /**
   * The security level this ring supports: 128 when log QP is within the table's limit,
   * otherwise a conservative linear estimate below 128 (security scales roughly as N / log QP).
   */
  public static int estimatedSecurityBits(int logN, double logQp) {
    int limit = maxLogQp128(logN);
    if (limit == 0) {
      return 0;
    }
    if (logQp <= limit) {
      return 128;
    }
    return (int) Math.floor(128.0 * limit / logQp);
  }
}
