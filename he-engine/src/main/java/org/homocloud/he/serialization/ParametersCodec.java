package org.homocloud.he.serialization;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretDistribution;

/**
 * CKKS parameters in the binary format: everything needed to rebuild them exactly (same primes,
 * same fingerprint). Reading rebuilds through {@link CkksParameters#builder()}, so serialized
 * parameters pass the same validation as hand-written ones, security check included.
 *
 * <p>Body: logN (u8), Q prime count (u8, 1..{@value #MAX_Q_PRIMES}) and the Q primes (u64 each),
 * P prime count (u8, 1..{@value #MAX_P_PRIMES}) and the P primes, primes per digit (u8), sigma
 * (f64), secret Hamming weight (u32, 0 for uniform ternary), insecure-for-testing flag (u8, 0 or
 * 1), log2 of the default scale (u8), logSlots (u8). No fingerprint in the header: the
 * parameters are what fingerprints are computed from.
 */
public final class ParametersCodec {

  /** More Q primes than any parameter set within the 128-bit table needs (logN 16: ~30). */
  public static final int MAX_Q_PRIMES = 64;

  public static final int MAX_P_PRIMES = 32;

  private ParametersCodec() {}

  /** Writes {@code parameters} to {@code out} and flushes; does not close the stream. */
  public static void write(CkksParameters parameters, OutputStream out) throws IOException {
    if (parameters == null) {
      throw new HeException("cannot write null parameters");
    }
    List<Long> q = parameters.rlwe().qPrimes();
    List<Long> p = parameters.rlwe().pPrimes();
    if (q.size() > MAX_Q_PRIMES || p.size() > MAX_P_PRIMES) {
      throw new HeException("cannot write parameters with " + q.size() + " Q and " + p.size()
          + " P primes: the format allows at most " + MAX_Q_PRIMES + " and " + MAX_P_PRIMES);
    }
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1024);
    FormatWriter writer = new FormatWriter(buffered);
    Header.write(writer, ObjectType.PARAMETERS, parameters);
    writer.u8(parameters.logN());
    writePrimes(writer, q);
    writePrimes(writer, p);
    writer.u8(parameters.rlwe().primesPerDigit());
    writer.f64(parameters.rlwe().sigma());
    writer.u32(parameters.rlwe().secretDistribution().hammingWeight());
    writer.u8(parameters.rlwe().isInsecureForTesting() ? 1 : 0);
    writer.u8(parameters.logDefaultScale());
    writer.u8(parameters.logSlots());
    buffered.flush();
  }

  /** Reads and rebuilds one parameter set from {@code in}, leaving the stream just after it. */
  public static CkksParameters read(InputStream in) throws IOException {
    FormatReader reader = new FormatReader(in);
    Header.read(reader, ObjectType.PARAMETERS, null);
    int logN = reader.u8("logN");
    List<Long> q = readPrimes(reader, "Q", MAX_Q_PRIMES);
    List<Long> p = readPrimes(reader, "P", MAX_P_PRIMES);
    int primesPerDigit = reader.u8("primes per digit");
    double sigma = reader.f64("sigma");
    long hammingWeight = reader.u32("secret Hamming weight");
    int insecure = reader.u8("insecure-for-testing flag");
    if (insecure > 1) {
      throw new HeException("insecure-for-testing flag is " + insecure + ", not 0 or 1");
    }
    int logDefaultScale = reader.u8("log2 default scale");
    int logSlots = reader.u8("logSlots");
    if (hammingWeight > (1L << Math.min(logN, 31))) {
      throw new HeException("secret Hamming weight " + hammingWeight + " exceeds N at logN " + logN);
    }
    try {
      return CkksParameters.builder()
          .logN(logN)
          .qPrimes(q)
          .pPrimes(p)
          .primesPerDigit(primesPerDigit)
          .sigma(sigma)
          .secretDistribution(hammingWeight == 0
              ? SecretDistribution.UNIFORM_TERNARY
              : SecretDistribution.sparse((int) hammingWeight))
          .insecureForTesting(insecure == 1)
          .logDefaultScale(logDefaultScale)
          .logSlots(logSlots)
          .build();
    } catch (IllegalArgumentException e) {
      // HeException is one too; either way the caller learns which value the builder refused.
      throw new HeException("serialized parameters are invalid: " + e.getMessage(), e);
    }
  }

  public static byte[] toBytes(CkksParameters parameters) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      write(parameters, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
  }

  /** Reads parameters that must fill {@code bytes} exactly. */
  public static CkksParameters fromBytes(byte[] bytes) {
    if (bytes == null) {
      throw new HeException("cannot read parameters from null");
    }
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      CkksParameters parameters = read(in);
      if (in.available() > 0) {
        throw new HeException("trailing bytes: " + in.available()
            + " bytes follow the end of the parameters at byte " + (bytes.length - in.available()));
      }
      return parameters;
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
  }

  /** Bytes {@link #write} produces for {@code parameters}. */
  public static long size(CkksParameters parameters) {
    int primes = parameters.rlwe().qPrimes().size() + parameters.rlwe().pPrimes().size();
    return Header.size(ObjectType.PARAMETERS) + 1 + 1 + 1 + 8L * primes + 1 + 8 + 4 + 1 + 1 + 1;
  }

  private static void writePrimes(FormatWriter writer, List<Long> primes) throws IOException {
    writer.u8(primes.size());
    for (long prime : primes) {
      writer.u64(prime);
    }
  }

  private static List<Long> readPrimes(FormatReader reader, String chain, int max) throws IOException {
    int count = reader.u8(chain + " prime count");
    if (count < 1 || count > max) {
      throw new HeException(chain + " prime count " + count + " is out of range [1, " + max + "]");
    }
    List<Long> primes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      primes.add(reader.u64(chain + " prime " + i));
    }
    return primes;
  }
}
