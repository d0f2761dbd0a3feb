package org.homocloud.he.ckks;

import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Primes;
import org.homocloud.he.rlwe.RlweParameters;
import org.homocloud.he.rlwe.SecretDistribution;

/**
 * Validated, immutable CKKS parameters: the RLWE parameters plus the default scale and the
 * number of slots. Built from a literal through {@link #builder()} (bit sizes of the primes, or
 * the primes themselves), or taken from a named preset.
 */
public final class CkksParameters {

  private final RlweParameters rlwe;
  private final int logDefaultScale;
  private final int logSlots;

  private CkksParameters(RlweParameters rlwe, int logDefaultScale, int logSlots) {
    this.rlwe = rlwe;
    this.logDefaultScale = logDefaultScale;
    this.logSlots = logSlots;
  }

  public static Builder builder() {
    return new Builder();
  }

  public RlweParameters rlwe() {
    return rlwe;
  }

  public int logN() {
    return rlwe.logN();
  }

  public int n() {
    return rlwe.n();
  }

  public int maxLevel() {
    return rlwe.maxLevel();
  }

  public int logDefaultScale() {
    return logDefaultScale;
  }

  public double defaultScale() {
    return Math.scalb(1.0, logDefaultScale);
  }

  /** log2 of the default number of complex slots (at most logN - 1). */
  public int logSlots() {
    return logSlots;
  }

  public int slots() {
    return 1 << logSlots;
  }

  public int maxLogSlots() {
    return rlwe.logN() - 1;
  }

  public double logQp() {
    return rlwe.logQp();
  }

  public int securityBits() {
    return rlwe.securityBits();
  }

  public byte[] fingerprint() {
    return rlwe.fingerprint();
  }

  @Override
  public String toString() {
    return "CkksParameters(" + rlwe + ", log2(scale)=" + logDefaultScale + ", logSlots=" + logSlots + ")";
  }

  /** Literal-style builder; {@link #build()} validates and names any bad value. */
  public static final class Builder {
    private int logN = -1;
    private int[] logQ;
    private int[] logP;
    private List<Long> qPrimes;
    private List<Long> pPrimes;
    private int logDefaultScale = -1;
    private int logSlots = -1;
    private int primesPerDigit = -1;
    private double sigma = 3.2;
    private SecretDistribution secret = SecretDistribution.UNIFORM_TERNARY;
    private boolean insecureForTesting;

    private Builder() {}

    public Builder logN(int value) {
      logN = value;
      return this;
    }

    /** Bit sizes of q_0, q_1, ..., q_L; primes are found deterministically near 2^bits. */
    public Builder logQ(int... bits) {
      logQ = bits.clone();
      return this;
    }

    /** Bit sizes of the special primes P used by key switching. */
    public Builder logP(int... bits) {
      logP = bits.clone();
      return this;
    }

    /** Explicit Q primes (instead of {@link #logQ}). */
    public Builder qPrimes(List<Long> primes) {
      qPrimes = List.copyOf(primes);
      return this;
    }

    /** Explicit P primes (instead of {@link #logP}). */
    public Builder pPrimes(List<Long> primes) {
      pPrimes = List.copyOf(primes);
      return this;
    }

    public Builder logDefaultScale(int value) {
      logDefaultScale = value;
      return this;
    }

    /** log2 of the slot count; defaults to logN - 1 (all slots). */
    public Builder logSlots(int value) {
      logSlots = value;
      return this;
    }

    public Builder primesPerDigit(int value) {
      primesPerDigit = value;
      return this;
    }

    public Builder sigma(double value) {
      sigma = value;
      return this;
    }

    public Builder secretDistribution(SecretDistribution value) {
      secret = value;
      return this;
    }

    /** Allows parameters below 128-bit security. For tests only. */
    public Builder insecureForTesting(boolean value) {
      insecureForTesting = value;
      return this;
    }

    public CkksParameters build() {
      if (logN < 3 || logN > 17) {
        throw new HeException("logN must be in [3, 17]: " + logN);
      }
      if ((qPrimes == null) == (logQ == null)) {
        throw new HeException("give exactly one of logQ (bit sizes) or qPrimes");
      }
      if ((pPrimes == null) == (logP == null)) {
        throw new HeException("give exactly one of logP (bit sizes) or pPrimes");
      }
      List<Long> q = qPrimes != null ? qPrimes : generate(logQ, new ArrayList<>(), "logQ");
      List<Long> p = pPrimes != null ? pPrimes : generate(logP, new ArrayList<>(q), "logP");
      if (logDefaultScale < 1 || logDefaultScale > Modulus.MAX_BITS) {
        throw new HeException(
            "logDefaultScale must be in [1, " + Modulus.MAX_BITS + "]: " + logDefaultScale);
      }
      if (logSlots == -1) {
        logSlots = logN - 1;
      }
      if (logSlots < 0 || logSlots > logN - 1) {
        throw new HeException("logSlots must be in [0, " + (logN - 1) + "]: " + logSlots);
      }
      RlweParameters.Builder rlwe = RlweParameters.builder()
          .logN(logN)
          .qPrimes(q)
          .pPrimes(p)
          .sigma(sigma)
          .secretDistribution(secret)
          .insecureForTesting(insecureForTesting);
      if (primesPerDigit != -1) {
        rlwe.primesPerDigit(primesPerDigit);
      }
      return new CkksParameters(rlwe.build(), logDefaultScale, logSlots);
    }

    /** Primes for the given sizes; equal sizes share one search so they stay distinct and close. */
    private List<Long> generate(int[] bits, List<Long> exclude, String name) {
      if (bits.length == 0) {
        throw new HeException(name + " needs at least one prime size");
      }
      List<Long> out = new ArrayList<>();
      for (int b : bits) {
        if (b < logN + 2 || b > Modulus.MAX_BITS) {
          throw new HeException(
              name + " prime size must be in [" + (logN + 2) + ", " + Modulus.MAX_BITS + "] bits: " + b);
        }
        List<Long> excluded = new ArrayList<>(exclude);
        excluded.addAll(out);
        out.add(Primes.nttFriendly(b, logN, 1, excluded).get(0));
      }
      return out;
    }
  }
}
