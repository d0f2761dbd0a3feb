package org.homocloud.he.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ckks.bootstrap.Bootstrapper;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeys;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingPresets;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * The bootstrapping benchmark behind {@code ./bench bootstrap [--quick]}: key generation time,
 * evaluation-key size (seeded and not), bootstrapping time at 1 and 2 threads, output precision
 * (mean and minimum over uniform inputs in the unit disk), levels left and peak heap, for the
 * secure logN 16 preset ({@code --quick}: the insecure logN 12 test preset, clearly labelled).
 * One JSON object per line on stdout; progress on stderr.
 */
public final class BootstrapBench {

  /** OpenFHE 1.5.1 EvalBootstrap (ModRaise-first), logN 16, from issue 4: seconds by threads. */
  private static final double OPENFHE_ONE_THREAD_S = 58.7;
  private static final double OPENFHE_TWO_THREADS_S = 35.8;

  private final PrintStream out = System.out;
  private final PrintStream log = System.err;

  public static void main(String[] args) {
    boolean quick = List.of(args).contains("--quick");
    new BootstrapBench().run(quick ? BootstrappingPresets.insecureForTestingLogN12() : BootstrappingPresets.logN16(), quick);
  }

  private void run(BootstrappingParameters parameters, boolean quick) {
    CkksParameters ckks = parameters.ckks();
    String name = quick ? "insecureForTestingLogN12" : "logN16";
    log.println("bootstrap bench: " + ckks);
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    long start = System.nanoTime();
    SecretKey sk = generator.generateSecretKey();
    BootstrappingKeys keys = BootstrappingKeys.generate(parameters, sk);
    double keygenSeconds = seconds(start);
    emit(parameters, name, "keygen_time", keygenSeconds, "s", null);
    List<SwitchingKey> all = new ArrayList<>();
    keys.evaluationKeys().relinearizationKey().ifPresent(k -> all.add(k.key()));
    for (GaloisKey g : keys.evaluationKeys().galoisKeys().values()) {
      all.add(g.key());
    }
    if (keys.denseToSparse() != null) {
      all.add(keys.denseToSparse());
      all.add(keys.sparseToDense());
    }
    emit(parameters, name, "evaluation_keys", all.size(), "keys", null);
    emit(parameters, name, "evaluation_key_bytes", packedBytes(ckks, all, false), "bytes", "unseeded, bit-packed");
    emit(parameters, name, "evaluation_key_bytes_seeded", packedBytes(ckks, all, true), "bytes", "seeded, bit-packed");

    Encoder encoder = new Encoder(ckks);
    Encryptor encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk));
    Decryptor decryptor = new Decryptor(sk);
    double[][] values = unitDisk(ckks.slots(), 7);
    Ciphertext input = encryptor.encrypt(encoder.encode(values[0], values[1], ckks.logSlots(), 0, ckks.defaultScale()));
    for (int threads : new int[] {1, 2}) {
      Bootstrapper bootstrapper = new Bootstrapper(parameters, keys, Parallelism.threads(threads));
      if (threads == 1) {
        log.println("warm-up bootstrap (1 thread)...");
        bootstrapper.bootstrap(input);
      }
      long t0 = System.nanoTime();
      Ciphertext refreshed = bootstrapper.bootstrap(input);
      double s = seconds(t0);
      log.printf("bootstrap at %d thread(s): %.1f s%n", threads, s);
      double reference = threads == 1 ? OPENFHE_ONE_THREAD_S : OPENFHE_TWO_THREADS_S;
      out.println(base(parameters, name, "bootstrap_time", s, "s", null).put("threads", threads)
          .put("openfhe_s", quick ? null : reference).put("ratio_vs_openfhe", quick ? null : s / reference));
      if (threads == 1) {
        double[][] decoded = encoder.decode(decryptor.decrypt(refreshed));
        PrecisionStats stats = PrecisionStats.of(values[0], values[1], decoded[0], decoded[1]);
        emit(parameters, name, "precision_mean_bits", stats.meanBits(), "bits", "uniform inputs in the unit disk");
        emit(parameters, name, "precision_min_bits", stats.minBits(), "bits", "uniform inputs in the unit disk");
        emit(parameters, name, "levels_left", refreshed.level(), "levels", null);
      }
    }
    emit(parameters, name, "peak_heap_bytes", peakHeapBytes(), "bytes", null);
    emit(parameters, name, "log2_failure_probability", parameters.log2FailureProbability(), "log2", "an EvalMod overflow beyond K in any coefficient");
  }

  private void emit(BootstrappingParameters p, String name, String metric, Object value, String unit, String note) {
    out.println(base(p, name, metric, value, unit, note));
  }

  private static JsonLine base(BootstrappingParameters p, String name, String metric, Object value, String unit, String note) {
    CkksParameters ckks = p.ckks();
    return new JsonLine().put("suite", "bootstrap").put("metric", metric).put("value", value).put("unit", unit)
        .put("preset", name).put("logN", ckks.logN()).put("slots", ckks.slots()).put("log_qp", ckks.logQp())
        .put("security_bits", ckks.securityBits()).put("note", note);
  }

  private static long packedBytes(CkksParameters ckks, List<SwitchingKey> keys, boolean seeded) {
    long total = 0;
    for (SwitchingKey key : keys) {
      for (int j = 0; j < key.digitCount(); j++) {
        long b = polyBytes(ckks, key.bQ(j), true) + polyBytes(ckks, key.bP(j), false);
        total += seeded ? b : 2 * b;
      }
      total += seeded ? 32 : 0;
    }
    return total;
  }

  private static long polyBytes(CkksParameters ckks, RnsPoly poly, boolean q) {
    long bits = 0;
    for (int l = 0; l < poly.limbCount(); l++) {
      long prime = q ? ckks.rlwe().qPrimes().get(l) : ckks.rlwe().pPrimes().get(l);
      bits += (long) (64 - Long.numberOfLeadingZeros(prime)) * poly.n();
    }
    return (bits + 7) / 8;
  }

  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static double[][] unitDisk(int slots, long seed) {
    Random random = new Random(seed);
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int i = 0; i < slots; i++) {
      double r = Math.sqrt(random.nextDouble());
      double t = 2 * Math.PI * random.nextDouble();
      re[i] = r * Math.cos(t);
      im[i] = r * Math.sin(t);
    }
    return new double[][] {re, im};
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
