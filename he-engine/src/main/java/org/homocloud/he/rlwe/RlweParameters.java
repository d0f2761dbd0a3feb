package org.homocloud.he.rlwe;

import org.homocloud.he.HeException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.Primes;
import org.homocloud.he.ring.RnsRing;

/**
 * Validated, immutable RLWE parameters: ring degree, the ciphertext modulus chain Q = q_0 ...
 * q_L, the special primes P used by hybrid key switching, the number of Q primes per
 * key-switching digit, the error width and the secret distribution. Built only through
 * {@link #builder()}, which checks every value; insecure sets must say so.
 */
public final class RlweParameters {

  public static final int MIN_LOG_N = 3;
  public static final int MAX_LOG_N = 17;

  private final int logN;
  private final List<Long> qPrimes;
  private final List<Long> pPrimes;
  private final int primesPerDigit;
  private final double sigma;
  private final SecretDistribution secret;
  private final boolean insecureForTesting;
  private final RnsRing ringQ;
  private final RnsRing ringP;
  private final byte[] fingerprint;

  private RlweParameters(Builder b) {
    this.logN = b.logN;
    this.qPrimes = List.copyOf(b.qPrimes);
    this.pPrimes = List.copyOf(b.pPrimes);
    this.primesPerDigit = b.primesPerDigit;
    this.sigma = b.sigma;
    this.secret = b.secret;
    this.insecureForTesting = b.insecureForTesting;
    this.ringQ = new RnsRing(logN, qPrimes, Parallelism.sequential());
    this.ringP = new RnsRing(logN, pPrimes, Parallelism.sequential());
    this.fingerprint = computeFingerprint();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int logN() {
    return logN;
  }

  public int n() {
    return 1 << logN;
  }

  public List<Long> qPrimes() {
    return qPrimes;
  }

  public List<Long> pPrimes() {
    return pPrimes;
  }

  /** Highest level: the number of Q primes minus one. */
  public int maxLevel() {
    return qPrimes.size() - 1;
  }

  public int primesPerDigit() {
    return primesPerDigit;
  }

  /** Number of key-switching digits for a ciphertext at {@code level}. */
  public int digitCount(int level) {
    return (level + primesPerDigit) / primesPerDigit;
  }

  public double sigma() {
    return sigma;
  }

  public SecretDistribution secretDistribution() {
    return secret;
  }

  public boolean isInsecureForTesting() {
    return insecureForTesting;
  }

  public RnsRing ringQ() {
    return ringQ;
  }

  public RnsRing ringP() {
    return ringP;
  }

  public double logQ() {
    return log2Product(qPrimes);
  }

  public double logP() {
    return log2Product(pPrimes);
  }

  public double logQp() {
    return logQ() + logP();
  }

  /** 128 if within the HomomorphicEncryption.org table, otherwise a lower estimate. */
  public int securityBits() {
    return SecurityTable.estimatedSecurityBits(logN, logQp());
  }

  /** A 16-byte digest of everything that must match for two parties to share ciphertexts. */
  public byte[] fingerprint() {
    return fingerprint.clone();
  }

  private byte[] computeFingerprint() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF("homocloud-rlwe-parameters-v1");
      out.writeInt(logN);
      out.writeInt(qPrimes.size());
      for (long q : qPrimes) {
        out.writeLong(q);
      }
      out.writeInt(pPrimes.size());
      for (long p : pPrimes) {
        out.writeLong(p);
      }
      out.writeInt(primesPerDigit);
      out.writeDouble(sigma);
      out.writeInt(secret.hammingWeight());
      out.flush();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      byte[] truncated = new byte[16];
      System.arraycopy(digest, 0, truncated, 0, 16);
      return truncated;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static double log2Product(List<Long> primes) {
    double sum = 0;
    for (long p : primes) {
      sum += Math.log(p) / Math.log(2);
    }
    return sum;
  }

  @Override
  public String toString() {
    return String.format(
        "RlweParameters(logN=%d, |Q|=%d primes, log Q=%.1f, |P|=%d primes, log QP=%.1f, digits of %d, %s, %d-bit%s)",
        logN, qPrimes.size(), logQ(), pPrimes.size(), logQp(), primesPerDigit, secret,
        securityBits(), insecureForTesting ? ", INSECURE FOR TESTING" : "");
  }

  /** Literal-style builder; {@link #build()} validates every value and names what is wrong. */
  public static final class Builder {
    private int logN = -1;
    private List<Long> qPrimes = List.of();
    private List<Long> pPrimes = List.of();
    private int primesPerDigit = -1;
    private double sigma = 3.2;
    private SecretDistribution secret = SecretDistribution.UNIFORM_TERNARY;
    private boolean insecureForTesting;

    private Builder() {}

    public Builder logN(int value) {
      this.logN = value;
      return this;
    }

    public Builder qPrimes(List<Long> value) {
      this.qPrimes = new ArrayList<>(value);
      return this;
    }

    public Builder pPrimes(List<Long> value) {
      this.pPrimes = new ArrayList<>(value);
      return this;
    }

    /** Q primes per key-switching digit (alpha); defaults to |P|. */
    public Builder primesPerDigit(int value) {
      this.primesPerDigit = value;
      return this;
    }

    public Builder sigma(double value) {
      this.sigma = value;
      return this;
    }

    public Builder secretDistribution(SecretDistribution value) {
      this.secret = value;
      return this;
    }

    /** Allows parameters below 128-bit security; for tests only. */
    public Builder insecureForTesting(boolean value) {
      this.insecureForTesting = value;
      return this;
    }

    public RlweParameters build() {
      if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
        throw new HeException(
            "logN must be in [" + MIN_LOG_N + ", " + MAX_LOG_N + "]: " + logN);
      }
      if (qPrimes.isEmpty()) {
        throw new HeException("the Q chain needs at least one prime");
      }
      if (pPrimes.isEmpty()) {
        throw new HeException("hybrid key switching needs at least one special prime P");
      }
      Set<Long> seen = new HashSet<>();
      long twoN = 2L << logN;
      for (List<Long> chain : List.of(qPrimes, pPrimes)) {
        for (long q : chain) {
          if (q < 3 || 64 - Long.numberOfLeadingZeros(q) > Modulus.MAX_BITS) {
            throw new HeException(
                "prime " + q + " is outside [3, 2^" + Modulus.MAX_BITS + ")");
          }
          if ((q - 1) % twoN != 0) {
            throw new HeException(
                "prime " + q + " is not 1 mod 2N = " + twoN + ", so it has no negacyclic NTT");
          }
          if (!Primes.isPrime(q)) {
            throw new HeException(q + " is not prime");
          }
          if (!seen.add(q)) {
            throw new HeException("prime " + q + " appears twice in Q and P");
          }
        }
      }
      if (primesPerDigit == -1) {
        primesPerDigit = Math.min(pPrimes.size(), qPrimes.size());
      }
      if (primesPerDigit < 1 || primesPerDigit > qPrimes.size()) {
        throw new HeException(
            "primes per digit must be in [1, " + qPrimes.size() + "]: " + primesPerDigit);
      }
      double logP = log2Product(pPrimes);
      double largestDigit = 0;
      for (int start = 0; start < qPrimes.size(); start += primesPerDigit) {
        largestDigit = Math.max(largestDigit,
            log2Product(qPrimes.subList(start, Math.min(qPrimes.size(), start + primesPerDigit))));
      }
      if (logP + 1 < largestDigit) {
        throw new HeException(String.format(
            "P (%.1f bits) must be at least as large as the largest digit (%.1f bits), or key "
                + "switching noise swamps the message; add special primes or use smaller digits",
            logP, largestDigit));
      }
      if (!(sigma >= 1 && sigma <= 64)) {
        throw new HeException("sigma must be in [1, 64]: " + sigma);
      }
      if (!secret.isDense() && secret.hammingWeight() > (1 << logN)) {
        throw new HeException(
            "Hamming weight " + secret.hammingWeight() + " exceeds N = " + (1 << logN));
      }
      double logQp = log2Product(qPrimes) + logP;
      int limit = SecurityTable.maxLogQp128(logN);
      if (!insecureForTesting && (limit == 0 || logQp > limit || !secret.isDense())) {
        throw new HeException(String.format(
            "log QP = %.1f at logN %d is below 128-bit security (limit %d bits for a uniform "
                + "ternary secret%s); lower Q or P, raise logN, or mark the set insecureForTesting",
            logQp, logN, limit, secret.isDense() ? "" : "; sparse secrets need their own analysis"));
      }
      return new RlweParameters(this);
    }
  }

  /** Product of the first {@code count} Q primes. */
  public BigInteger qProduct(int count) {
    return ringQ.modulusProduct(count);
  }

  public BigInteger pProduct() {
    return ringP.modulusProduct(pPrimes.size());
  }
}
