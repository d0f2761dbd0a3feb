package org.homocloud.he.ckks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.homocloud.he.HeException;
import org.homocloud.he.ring.BitReversal;
import org.homocloud.he.ring.CrtReconstruction;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.rlwe.Plaintext;

/**
 * Encodes vectors of complex (or real) numbers into plaintext polynomials through the canonical
 * embedding, and back. Slot j corresponds to the root zeta^(5^j) of X^N + 1, so that rotating
 * slots is the automorphism X -> X^(5^k); the special FFT of Cheon-Kim-Kim-Song evaluates the
 * embedding in O(N log N). Sparse packings (fewer slots) place coefficients with a gap of
 * N / (2 * slots). Immutable and thread-safe; with a {@link Parallelism} above one, the
 * per-limb work (NTT, residues, CRT reconstruction) is spread over several threads.
 */
public final class Encoder {

  private final CkksParameters parameters;
  private final RnsRing ringQ;
  private final CrtReconstruction crt;
  private final int n;
  private final int m;
  private final int[] rotationGroup;
  private final double[] rootsRe;
  private final double[] rootsIm;

  public Encoder(CkksParameters parameters) {
    this(parameters, Parallelism.sequential());
  }

  public Encoder(CkksParameters parameters, Parallelism parallelism) {
    this.parameters = parameters;
    this.ringQ = parameters.rlwe().ringQ().withParallelism(parallelism);
    this.crt = new CrtReconstruction(ringQ);
    this.n = parameters.n();
    this.m = 2 * n;
    int half = n / 2;
    rotationGroup = new int[half];
    long five = 1;
    for (int j = 0; j < half; j++) {
      rotationGroup[j] = (int) five;
      five = (five * 5) % m;
    }
    rootsRe = new double[m + 1];
    rootsIm = new double[m + 1];
    for (int j = 0; j <= m; j++) {
      double angle = 2 * Math.PI * j / m;
      rootsRe[j] = Math.cos(angle);
      rootsIm[j] = Math.sin(angle);
    }
  }

  public CkksParameters parameters() {
    return parameters;
  }

  /** Encodes real values at the top level with the default scale and slot count. */
  public Plaintext encode(double[] values) {
    return encode(values, null, parameters.logSlots(), parameters.maxLevel(), parameters.defaultScale());
  }

  /**
   * Encodes {@code re + i*im} (imaginary part optional) into {@code 2^logSlots} slots at the given
   * level and scale. Missing trailing slots are zero.
   */
  public Plaintext encode(double[] re, double[] im, int logSlots, int level, double scale) {
    int slots = 1 << logSlots;
    if (logSlots < 0 || logSlots > parameters.maxLogSlots()) {
      throw new HeException("logSlots must be in [0, " + parameters.maxLogSlots() + "]: " + logSlots);
    }
    if (re.length > slots || (im != null && im.length > slots)) {
      throw new HeException("cannot encode " + re.length + " values into " + slots + " slots");
    }
    if (level < 0 || level > parameters.maxLevel()) {
      throw new HeException("level must be in [0, " + parameters.maxLevel() + "]: " + level);
    }
    if (!(scale >= 1) || Double.isInfinite(scale)) {
      throw new HeException("scale must be a finite number at least 1: " + scale);
    }
    double[] vr = new double[slots];
    double[] vi = new double[slots];
    for (int i = 0; i < re.length; i++) {
      vr[i] = requireFinite(re[i], i);
    }
    if (im != null) {
      for (int i = 0; i < im.length; i++) {
        vi[i] = requireFinite(im[i], i);
      }
    }
    specialInverseFft(vr, vi, slots);
    int gap = n / (2 * slots);
    double[] scaled = new double[n];
    for (int i = 0; i < slots; i++) {
      scaled[i * gap] = vr[i] * scale;
      scaled[n / 2 + i * gap] = vi[i] * scale;
    }
    RnsPoly poly = ringQ.newPoly(level + 1);
    setRounded(scaled, poly);
    ringQ.ntt(poly);
    return new Plaintext(poly, scale, logSlots);
  }

  /** Decodes to complex slot values {re, im}. */
  public double[][] decode(Plaintext pt) {
    RnsPoly coefficients = pt.value().copy();
    ringQ.intt(coefficients);
    double[] centered = crt.toCenteredDoubles(coefficients);
    int slots = 1 << pt.logSlots();
    int gap = n / (2 * slots);
    double[] vr = new double[slots];
    double[] vi = new double[slots];
    for (int i = 0; i < slots; i++) {
      vr[i] = centered[i * gap] / pt.scale();
      vi[i] = centered[n / 2 + i * gap] / pt.scale();
    }
    specialFft(vr, vi, slots);
    return new double[][] {vr, vi};
  }

  /** Decodes the real parts of the slots. */
  public double[] decodeReal(Plaintext pt) {
    return decode(pt)[0];
  }

  /**
   * Decodes and rounds every value to a multiple of 2^-logPrecision before it leaves its
   * holder. Sharing exact CKKS decryptions can reveal the secret key (IND-CPA-D, Li-Micciancio
   * 2021; ePrint 2022/816): the low-order bits carry the encryption noise, and rounding them off
   * at the precision the parameters guarantee removes that leak.
   */
  public double[] decodeRealPublic(Plaintext pt, int logPrecision) {
    if (logPrecision < 0 || logPrecision > 52) {
      throw new HeException("logPrecision must be in [0, 52]: " + logPrecision);
    }
    double[] values = decodeReal(pt);
    double unit = Math.scalb(1.0, -logPrecision);
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.rint(values[i] / unit) * unit;
    }
    return values;
  }

  private void setRounded(double[] scaled, RnsPoly out) {
    long[] small = new long[n];
    boolean allSmall = true;
    for (int i = 0; i < n; i++) {
      double v = scaled[i];
      if (Math.abs(v) >= 0x1p62) {
        allSmall = false;
        break;
      }
      small[i] = Math.round(v);
    }
    if (allSmall) {
      ringQ.setCoefficients(small, out);
      return;
    }
    // Rare path: messages times scale beyond 2^62 need big-integer residues.
    for (int i = 0; i < n; i++) {
      BigInteger v = new BigDecimal(scaled[i]).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
      for (int l = 0; l < out.limbCount(); l++) {
        out.limb(l)[i] = v.mod(BigInteger.valueOf(ringQ.modulus(l).value())).longValue();
      }
    }
  }

  private static double requireFinite(double v, int index) {
    if (!Double.isFinite(v)) {
      throw new HeException("value at slot " + index + " is not finite: " + v);
    }
    return v;
  }

  /** Slots to coefficients (the inverse embedding), in place; result scaled by 1/slots. */
  void specialInverseFft(double[] re, double[] im, int slots) {
    for (int len = slots; len >= 1; len >>= 1) {
      int half = len >> 1;
      int quarterPeriod = len << 2;
      for (int i = 0; i < slots; i += len) {
        for (int j = 0; j < half; j++) {
          int idx = (quarterPeriod - (rotationGroup[j] % quarterPeriod)) * (m / quarterPeriod);
          int a = i + j;
          int b = i + j + half;
          double ur = re[a] + re[b];
          double ui = im[a] + im[b];
          double vr = re[a] - re[b];
          double vi = im[a] - im[b];
          double wr = rootsRe[idx];
          double wi = rootsIm[idx];
          re[a] = ur;
          im[a] = ui;
          re[b] = vr * wr - vi * wi;
          im[b] = vr * wi + vi * wr;
        }
      }
    }
    bitReverse(re, im, slots);
    for (int i = 0; i < slots; i++) {
      re[i] /= slots;
      im[i] /= slots;
    }
  }

  /** Coefficients to slots (the embedding), in place. */
  void specialFft(double[] re, double[] im, int slots) {
    bitReverse(re, im, slots);
    for (int len = 2; len <= slots; len <<= 1) {
      int half = len >> 1;
      int quarterPeriod = len << 2;
      for (int i = 0; i < slots; i += len) {
        for (int j = 0; j < half; j++) {
          int idx = (rotationGroup[j] % quarterPeriod) * (m / quarterPeriod);
          int a = i + j;
          int b = i + j + half;
          double wr = rootsRe[idx];
          double wi = rootsIm[idx];
          double vr = re[b] * wr - im[b] * wi;
          double vi = re[b] * wi + im[b] * wr;
          double ur = re[a];
          double ui = im[a];
          re[a] = ur + vr;
          im[a] = ui + vi;
          re[b] = ur - vr;
          im[b] = ui - vi;
        }
      }
    }
  }

  private static void bitReverse(double[] re, double[] im, int size) {
    int bits = Integer.numberOfTrailingZeros(size);
    for (int i = 0; i < size; i++) {
      int j = BitReversal.reverse(i, bits);
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
  }
}
