package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import java.security.MessageDigest;
import org.homocloud.he.ring.RnsPoly;

/**
 * The RLWE secret s: a ternary polynomial, kept in NTT form over Q and over P (and in Montgomery
 * form for fast products). Decrypts everything encrypted under it; never leaves the key
 * custodian. {@link #toString()} shows no key material; comparison is constant-time.
 */
public final class SecretKey {

  private final RlweParameters parameters;
  private final long[] coefficients;
  private final RnsPoly nttQ;
  private final RnsPoly nttP;
  private final RnsPoly montgomeryQ;

  SecretKey(RlweParameters parameters, long[] coefficients) {
    this.parameters = parameters;
    this.coefficients = coefficients;
    this.nttQ = parameters.ringQ().newPoly();
    this.nttP = parameters.ringP().newPoly();
    parameters.ringQ().setCoefficients(coefficients, nttQ);
    parameters.ringQ().ntt(nttQ);
    parameters.ringP().setCoefficients(coefficients, nttP);
    parameters.ringP().ntt(nttP);
    this.montgomeryQ = parameters.ringQ().newPoly();
    parameters.ringQ().toMontgomery(nttQ, montgomeryQ);
  }

  /** Rebuilds a key from its signed ternary coefficients (deserialization). */
  public static SecretKey fromCoefficients(
      RlweParameters parameters, long[] coefficients, SecretKeyAccess access) {
    SecretKeyAccess.check(access);
    if (coefficients.length != parameters.n()) {
      throw new HeException(
          "secret key has " + coefficients.length + " coefficients, parameters need " + parameters.n());
    }
    for (long c : coefficients) {
      if (c < -1 || c > 1) {
        throw new HeException("secret key coefficients must be ternary");
      }
    }
    return new SecretKey(parameters, coefficients.clone());
  }

  public RlweParameters parameters() {
    return parameters;
  }

  /** The signed ternary coefficients; reading them needs the access token. */
  public long[] coefficients(SecretKeyAccess access) {
    SecretKeyAccess.check(access);
    return coefficients.clone();
  }

  RnsPoly nttQ() {
    return nttQ;
  }

  RnsPoly nttP() {
    return nttP;
  }

  RnsPoly montgomeryQ() {
    return montgomeryQ;
  }

  /** Constant-time equality of key material and parameters. */
  public boolean equalsConstantTime(SecretKey other) {
    if (!MessageDigest.isEqual(parameters.fingerprint(), other.parameters.fingerprint())) {
      return false;
    }
    long diff = 0;
    for (int i = 0; i < coefficients.length; i++) {
      diff |= coefficients[i] ^ other.coefficients[i];
    }
    return diff == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKey other && equalsConstantTime(other);
  }

  @Override
  public int hashCode() {
    // Deliberately independent of key material.
    return java.util.Arrays.hashCode(parameters.fingerprint());
  }

  @Override
  public String toString() {
    return "SecretKey(<redacted>)";
  }
}
