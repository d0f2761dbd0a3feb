package org.homocloud.he.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Ntt;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.Primes;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.KeySwitcher;
import org.homocloud.he.rlwe.Plaintext;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;

/**
 * The engine benchmark behind {@code ./bench engine [--quick]}: times NTT, encode, encrypt,
 * decrypt, multiply+relinearize+rescale, rotation and hoisted rotations on the logN 14 and 16
 * presets, at 1 and 2 threads, and measures precision against the plaintext computation.
 *
 * <p>Each operation is timed at every thread count with the timed runs interleaved (1, 2, 1, 2,
 * ...), so that the load of this shared machine weighs on all thread counts alike; besides the
 * wall-clock median and minimum, single-threaded lines carry the thread's CPU time.
 *
 * <p>Writes one JSON object per line to stdout ({@code "kind":"measurement"} for our figures,
 * {@code "kind":"vs_openfhe"} for the comparison with OpenFHE 1.5.1 from issue 3); progress goes
 * to stderr. Options: {@code --quick} (fewer runs, logN 16 for NTT only), {@code --threads=1,2},
 * {@code --logN=14,16}, {@code --ops=ntt,encode,...}, and {@code --phases}, which prints instead the
 * phase breakdown of {@link PhaseProfile} (where the time of each operation goes).
 */
public final class EngineBench {

  static final List<String> ALL_OPS = List.of(
      "ntt", "encode", "encrypt", "decrypt", "mul_relin_rescale", "rotate", "hoisted_rotation",
      "ciphertext_bytes");

  /** Rotations used by the hoisted benchmark: 8 rotations sharing one decomposition. */
  static final int[] HOISTED_ROTATIONS = {1, 2, 3, 4, 5, 6, 7, 8};

  private final boolean quick;
  private final int[] threadCounts;
  private final Set<Integer> logNs;
  private final Set<String> ops;
  private final boolean phases;
  private final PrintStream out = System.out;
  private final PrintStream log = System.err;

  private EngineBench(boolean quick, int[] threadCounts, Set<Integer> logNs, Set<String> ops, boolean phases) {
    this.quick = quick;
    this.threadCounts = threadCounts;
    this.logNs = logNs;
    this.ops = ops;
    this.phases = phases;
  }

  public static void main(String[] args) {
    boolean quick = false;
    boolean phases = false;
    int[] threads = {1, 2};
    Set<Integer> logNs = new LinkedHashSet<>(List.of(14, 16));
    Set<String> ops = new LinkedHashSet<>(ALL_OPS);
    for (String arg : args) {
      if (arg.equals("--quick")) {
        quick = true;
      } else if (arg.equals("--phases")) {
        phases = true;
      } else if (arg.startsWith("--threads=")) {
        threads = Arrays.stream(value(arg).split(",")).mapToInt(Integer::parseInt).toArray();
      } else if (arg.startsWith("--logN=")) {
        logNs = new LinkedHashSet<>();
        for (String s : value(arg).split(",")) {
          logNs.add(Integer.parseInt(s));
        }
      } else if (arg.startsWith("--ops=")) {
        ops = new LinkedHashSet<>(List.of(value(arg).split(",")));
        if (!ALL_OPS.containsAll(ops)) {
          usage("unknown op in " + arg + "; known: " + ALL_OPS);
        }
      } else {
        usage("unknown argument " + arg);
      }
    }
    for (int logN : logNs) {
      if (logN != 14 && logN != 16) {
        usage("logN must be 14 or 16 (the presets of issue 3): " + logN);
      }
    }
    new EngineBench(quick, threads, logNs, ops, phases).run();
  }

  private static String value(String arg) {
    return arg.substring(arg.indexOf('=') + 1);
  }

  private static void usage(String problem) {
    System.err.println("engine bench: " + problem);
    System.err.println("usage: EngineBench [--quick] [--threads=1,2] [--logN=14,16] [--ops=ntt,...] [--phases]");
    System.exit(2);
  }

  private void run() {
    long start = System.nanoTime();
    log.printf("engine bench: %s, threads %s, logN %s, %d cores, max heap %d MB, %s %s%n",
        quick ? "quick" : "full", Arrays.toString(threadCounts), logNs,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.name"), System.getProperty("java.version"));
    for (int logN : logNs) {
      if (phases) {
        new PhaseProfile(preset(logN), quick ? 2 : 3, quick ? 3 : 7, out, log).run(threadCounts);
        continue;
      }
      if (ops.contains("ntt")) {
        benchNtt(logN);
      }
      if (quick && logN == 16) {
        log.println("engine bench: --quick skips the logN 16 CKKS operations");
        continue;
      }
      if (ops.stream().anyMatch(op -> !op.equals("ntt"))) {
        benchCkks(logN);
      }
    }
    log.printf("engine bench: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  static CkksParameters preset(int logN) {
    return logN == 14 ? CkksPresets.logN14() : CkksPresets.logN16();
  }

  // ------------------------------------------------------------------------------------- NTT

  private void benchNtt(int logN) {
    Modulus q = new Modulus(Primes.nttFriendly(60, logN, 1, List.of()).get(0));
    Ntt ntt = new Ntt(q, logN);
    long[] a = new long[1 << logN];
    Random random = new Random(42);
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.floorMod(random.nextLong(), q.value());
    }
    int batch = logN == 14 ? 200 : 50;
    for (int threads : threadCounts) {
      // Forward NTT of one limb: a single limb is one task, so a second thread cannot help; the
      // 2-thread row is measured all the same, on the same code path the ring uses.
      Timing t = Timing.measureBatched(quick ? 20 : 50, quick ? 7 : 15, batch, () -> {
        ntt.forward(a);
        return a;
      });
      log.printf("engine bench: logN %d, %d thread(s), %-22s median %9.4f ms, min %9.4f ms, cpu %9.4f ms%n",
          logN, threads, "ntt", t.medianMs(), t.minMs(), t.cpuMedianMs());
      emit(measurement("ntt", logN, 1, threads, t)
          .put("prime_bits", q.bitLength())
          .put("parallel", false));
      compareSingleThread("ntt", logN, 1, threads, t);
    }
  }

  // ------------------------------------------------------------------------------------ CKKS

  private void benchCkks(int logN) {
    CkksParameters params = preset(logN);
    int primes = params.maxLevel() + 1;
    int warmups = logN == 14 ? (quick ? 5 : 10) : 3;
    int runs = logN == 14 ? (quick ? 5 : 15) : 7;
    log.printf("engine bench: logN %d, %d Q primes, %d P primes, log QP %.1f, scale 2^%d; generating keys%n",
        logN, primes, params.rlwe().pPrimes().size(), params.logQp(), params.logDefaultScale());
    long keyStart = System.nanoTime();
    KeyGenerator keyGenerator = new KeyGenerator(params.rlwe());
    SecretKey sk = keyGenerator.generateSecretKey();
    PublicKey pk = keyGenerator.generatePublicKey(sk);
    List<GaloisKey> galois = new ArrayList<>();
    if (ops.contains("rotate") || ops.contains("hoisted_rotation")) {
      // Only the keys the benchmark needs: rotate-by-1 reuses the first hoisted key.
      for (int k : HOISTED_ROTATIONS) {
        if (k == 1 || ops.contains("hoisted_rotation")) {
          galois.add(keyGenerator.generateGaloisKey(sk, Rotations.galoisElement(logN, k)));
        }
      }
    }
    EvaluationKeySet keys = new EvaluationKeySet(keyGenerator.generateRelinearizationKey(sk), galois);
    log.printf("engine bench: keys in %.1f s (relinearization + %d Galois)%n",
        (System.nanoTime() - keyStart) / 1e9, galois.size());

    Encoder encoder = new Encoder(params);
    Encryptor encryptor = Encryptor.withPublicKey(pk);
    Decryptor decryptor = new Decryptor(sk);
    double[] a = uniform(params.slots(), 1);
    double[] b = uniform(params.slots(), 2);
    Plaintext ptA = encoder.encode(a);
    Ciphertext ctA = encryptor.encrypt(ptA);
    Ciphertext ctB = encryptor.encrypt(encoder.encode(b));

    // One context per thread count; each operation is then timed at every thread count with the
    // runs interleaved, so load changes on this shared machine affect them alike.
    List<ThreadContext> contexts = new ArrayList<>();
    for (int threads : threadCounts) {
      contexts.add(new ThreadContext(threads, params, keys, pk, sk));
    }
    if (ops.contains("encode")) {
      Timing[] ts = timeAll("encode", logN, warmups, runs, contexts, c -> () -> c.encoder.encode(a));
      for (int i = 0; i < ts.length; i++) {
        ThreadContext c = contexts.get(i);
        PrecisionStats p = PrecisionStats.of(a, encoder.decodeReal(c.encoder.encode(a)));
        emit(measurement("encode", logN, primes, c.threads, ts[i]), p);
        compareSingleThread("encode", logN, primes, c.threads, ts[i]);
      }
    }
    if (ops.contains("encrypt")) {
      Timing[] ts = timeAll("encrypt", logN, warmups, runs, contexts, c -> () -> c.encryptor.encrypt(ptA));
      for (int i = 0; i < ts.length; i++) {
        ThreadContext c = contexts.get(i);
        PrecisionStats p = PrecisionStats.of(a, encoder.decodeReal(decryptor.decrypt(c.encryptor.encrypt(ptA))));
        emit(measurement("encrypt", logN, primes, c.threads, ts[i]), p);
        compareSingleThread("encrypt", logN, primes, c.threads, ts[i]);
      }
    }
    if (ops.contains("decrypt")) {
      Timing[] ts = timeAll("decrypt", logN, warmups, runs, contexts,
          c -> () -> c.encoder.decode(c.decryptor.decrypt(ctA)));
      for (int i = 0; i < ts.length; i++) {
        ThreadContext c = contexts.get(i);
        PrecisionStats p = PrecisionStats.of(a, c.encoder.decodeReal(c.decryptor.decrypt(ctA)));
        emit(measurement("decrypt", logN, primes, c.threads, ts[i]), p);
        compareSingleThread("decrypt", logN, primes, c.threads, ts[i]);
      }
    }
    if (ops.contains("mul_relin_rescale")) {
      Ciphertext[] products = new Ciphertext[contexts.size()];
      for (int i = 0; i < products.length; i++) {
        products[i] = ctA.copy();
      }
      Timing[] ts = timeAll("mul_relin_rescale", logN, warmups, runs, contexts, c -> {
        Ciphertext product = products[contexts.indexOf(c)];
        return () -> {
          c.evaluator.mulRelin(ctA, ctB, product);
          c.evaluator.rescale(product, product);
          return product;
        };
      });
      double[] expected = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        expected[i] = a[i] * b[i];
      }
      for (int i = 0; i < ts.length; i++) {
        int threads = contexts.get(i).threads;
        Timing t = ts[i];
        PrecisionStats p = PrecisionStats.of(expected, encoder.decodeReal(decryptor.decrypt(products[i])));
        emit(measurement("mul_relin_rescale", logN, primes, threads, t)
            .put("level_after", products[i].level()), p);
        if (threads == 1) {
          emit(comparison("mul_relin_rescale", logN, primes, t)
              .put("precision_bits", p.meanBits())
              .put("openfhe_precision_bits", OpenFheReference.precisionAfterMultiply(logN)));
        } else if (threads == 2 && logN == 16) {
          double reference = OpenFheReference.MUL_RELIN_RESCALE_LOGN16_TWO_THREADS_MS;
          emit(new JsonLine().put("suite", "engine").put("kind", "vs_openfhe")
              .put("op", "mul_relin_rescale").put("logN", logN).put("primes", primes)
              .put("threads", 2).put("ms_median", t.medianMs()).put("ms_min", t.minMs())
              .put("openfhe_ms", reference).put("openfhe_threads", 2)
              .put("ratio_vs_openfhe", t.medianMs() / reference)
              .put("ratio_min_vs_openfhe", t.minMs() / reference));
        }
      }
    }
    if (ops.contains("rotate")) {
      Ciphertext[] rotated = new Ciphertext[contexts.size()];
      for (int i = 0; i < rotated.length; i++) {
        rotated[i] = ctA.copy();
      }
      Timing[] ts = timeAll("rotate", logN, warmups, runs, contexts, c -> {
        Ciphertext out = rotated[contexts.indexOf(c)];
        return () -> {
          c.evaluator.rotate(ctA, 1, out);
          return out;
        };
      });
      for (int i = 0; i < ts.length; i++) {
        int threads = contexts.get(i).threads;
        PrecisionStats p = PrecisionStats.of(rotatedLeft(a, 1), encoder.decodeReal(decryptor.decrypt(rotated[i])));
        emit(measurement("rotate", logN, primes, threads, ts[i]).put("rotation", 1), p);
        compareSingleThread("rotate", logN, primes, threads, ts[i]);
      }
    }
    if (ops.contains("hoisted_rotation")) {
      benchHoisted(params, contexts, encoder, decryptor, ctA, a, warmups, runs);
    }
    if (ops.contains("ciphertext_bytes")) {
      Ciphertext seeded = Encryptor.withSecretKey(sk).encrypt(ptA);
      emitCiphertextBytes(params, ctA, seeded);
    }
  }

  private void benchHoisted(CkksParameters params, List<ThreadContext> contexts, Encoder encoder,
      Decryptor decryptor, Ciphertext ct, double[] a, int warmups, int runs) {
    int logN = params.logN();
    int count = HOISTED_ROTATIONS.length;
    var results = new java.util.concurrent.ConcurrentHashMap<Integer, Map<Integer, Ciphertext>>();
    Timing[] totals = timeAll("hoisted_rotation x" + count, logN, warmups, runs, contexts, c -> () -> {
      Map<Integer, Ciphertext> rotations = c.evaluator.rotateHoisted(ct, HOISTED_ROTATIONS);
      results.put(c.threads, rotations);
      return rotations;
    });
    // The shared precompute on its own: the decomposition (ModUp) of c_1.
    Timing[] precomputes = timeAll("hoisted precompute", logN, warmups, runs, contexts,
        c -> () -> c.keySwitcher.decompose(ct.poly(1)));
    for (int i = 0; i < contexts.size(); i++) {
      emitHoisted(params, contexts.get(i).threads, totals[i], precomputes[i],
          results.get(contexts.get(i).threads), encoder, decryptor, a);
    }
  }

  private void emitHoisted(CkksParameters params, int threads, Timing total, Timing precompute,
      Map<Integer, Ciphertext> rotations, Encoder encoder, Decryptor decryptor, double[] a) {
    int logN = params.logN();
    int primes = params.maxLevel() + 1;
    int count = HOISTED_ROTATIONS.length;
    double worstMeanBits = Double.POSITIVE_INFINITY;
    double worstMinBits = Double.POSITIVE_INFINITY;
    for (Map.Entry<Integer, Ciphertext> e : rotations.entrySet()) {
      PrecisionStats p = PrecisionStats.of(rotatedLeft(a, e.getKey()),
          encoder.decodeReal(decryptor.decrypt(e.getValue())));
      worstMeanBits = Math.min(worstMeanBits, p.meanBits());
      worstMinBits = Math.min(worstMinBits, p.minBits());
    }
    double eachAfterPrecompute = (total.medianMs() - precompute.medianMs()) / count;
    double cpuEachAfterPrecompute = (total.cpuMedianMs() - precompute.cpuMedianMs()) / count;
    emit(measurement("hoisted_rotation", logN, primes, threads,
            new Timing(total.medianMs() / count, total.minMs() / count, total.cpuMedianMs() / count,
                total.runs()))
        .put("rotations", count)
        .put("ms_total_median", total.medianMs())
        .put("ms_total_min", total.minMs())
        .put("ms_precompute_median", precompute.medianMs())
        .put("ms_each_after_precompute", eachAfterPrecompute)
        .put("cpu_ms_precompute_median", threads == 1 ? precompute.cpuMedianMs() : null)
        .put("precision_bits", worstMeanBits)
        .put("precision_min_bits", worstMinBits));
    if (threads == 1) {
      Double each = OpenFheReference.ms("hoisted_rotation", logN);
      Double once = OpenFheReference.ms("hoisted_precompute", logN);
      emit(new JsonLine().put("suite", "engine").put("kind", "vs_openfhe")
          .put("op", "hoisted_rotation").put("logN", logN).put("primes", primes).put("threads", 1)
          .put("rotations", count)
          .put("ms_each_after_precompute", eachAfterPrecompute)
          .put("openfhe_ms", each)
          .put("ratio_vs_openfhe", eachAfterPrecompute / each)
          .put("ms_precompute_median", precompute.medianMs())
          .put("openfhe_precompute_ms", once)
          .put("ratio_precompute_vs_openfhe", precompute.medianMs() / once)
          .put("ms_total_median", total.medianMs())
          .put("openfhe_total_ms", once + count * each)
          .put("ratio_total_vs_openfhe", total.medianMs() / (once + count * each))
          .put("cpu_ms_each_after_precompute", cpuEachAfterPrecompute)
          .put("cpu_ratio_vs_openfhe", cpuEachAfterPrecompute / each)
          .put("cpu_ms_precompute_median", precompute.cpuMedianMs())
          .put("cpu_ratio_precompute_vs_openfhe", precompute.cpuMedianMs() / once)
          .put("cpu_ms_total_median", total.cpuMedianMs())
          .put("cpu_ratio_total_vs_openfhe", total.cpuMedianMs() / (once + count * each)));
    }
  }

  private void emitCiphertextBytes(CkksParameters params, Ciphertext ct, Ciphertext seeded) {
    int logN = params.logN();
    int limbs = ct.level() + 1;
    long inMemory = 2L * limbs * params.n() * Long.BYTES;
    JsonLine line = new JsonLine().put("suite", "engine").put("kind", "measurement")
        .put("op", "ciphertext_bytes").put("logN", logN).put("primes", limbs).put("threads", 1)
        .put("bytes_in_memory", inMemory);
    Long serialized = SerializedSize.of(params, ct);
    line.put("bytes_serialized", serialized);
    if (serialized == null) {
      line.put("note", "no serializer (" + SerializedSize.CODEC + ") on the class path");
    } else {
      // A secret-key ciphertext stores c_1 as its seed.
      line.put("bytes_serialized_seeded", SerializedSize.of(params, seeded));
    }
    Double reference = OpenFheReference.ciphertextBytes(logN);
    line.put("openfhe_bytes", reference).put("ratio_vs_openfhe", inMemory / reference);
    if (serialized != null) {
      line.put("ratio_serialized_vs_openfhe", serialized / reference);
    }
    emit(line);
  }

  // --------------------------------------------------------------------------------- helpers

  private Timing[] timeAll(String what, int logN, int warmups, int runs, List<ThreadContext> contexts,
      java.util.function.Function<ThreadContext, Timing.Body> body) {
    long start = System.nanoTime();
    Timing.Body[] bodies = contexts.stream().map(body).toArray(Timing.Body[]::new);
    Timing[] ts = Timing.measureInterleaved(warmups, runs, bodies);
    for (int i = 0; i < ts.length; i++) {
      Timing t = ts[i];
      log.printf("engine bench: logN %d, %d thread(s), %-22s median %9.2f ms, min %9.2f ms, cpu %9.2f ms"
              + " (%d runs, load %.1f)%n",
          logN, contexts.get(i).threads, what, t.medianMs(), t.minMs(), t.cpuMedianMs(), t.runs(),
          loadAverage());
    }
    log.printf("engine bench: %s took %.1f s%n", what, (System.nanoTime() - start) / 1e9);
    return ts;
  }

  /** Everything that depends on the thread count; keys are shared. */
  private static final class ThreadContext {
    final int threads;
    final Evaluator evaluator;
    final KeySwitcher keySwitcher;
    // Encoding, encryption and decryption spread their per-limb work (NTT, residues, CRT) over
    // the threads; sampling and the slot FFT stay on the caller's thread.
    final Encoder encoder;
    final Encryptor encryptor;
    final Decryptor decryptor;

    ThreadContext(int threads, CkksParameters params, EvaluationKeySet keys, PublicKey pk, SecretKey sk) {
      Parallelism parallelism = Parallelism.threads(threads);
      this.threads = threads;
      this.evaluator = new Evaluator(params, keys, parallelism);
      this.keySwitcher = new KeySwitcher(params.rlwe(), parallelism);
      this.encoder = new Encoder(params, parallelism);
      this.encryptor = Encryptor.withPublicKey(pk, parallelism);
      this.decryptor = new Decryptor(sk, parallelism);
    }
  }

  private JsonLine measurement(String op, int logN, int primes, int threads, Timing t) {
    return new JsonLine().put("suite", "engine").put("kind", "measurement").put("op", op)
        .put("logN", logN).put("primes", primes).put("threads", threads)
        .put("ms_median", t.medianMs()).put("ms_min", t.minMs()).put("runs", t.runs())
        // Only meaningful when all the work runs on the calling thread.
        .put("cpu_ms_median", threads == 1 ? t.cpuMedianMs() : null)
        .put("load_avg", loadAverage());
  }

  private void compareSingleThread(String op, int logN, int primes, int threads, Timing t) {
    if (threads == 1) {
      emit(comparison(op, logN, primes, t));
    }
  }

  /** One-minute system load average: how much the machine was shared while we measured. */
  static Double loadAverage() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : Math.round(load * 100) / 100.0;
  }

  /**
   * Our single-threaded median against OpenFHE's; the CPU-time ratio is given too, as it is the
   * steadier figure when the machine is shared.
   */
  private JsonLine comparison(String op, int logN, int primes, Timing t) {
    Double reference = OpenFheReference.ms(op, logN);
    return new JsonLine().put("suite", "engine").put("kind", "vs_openfhe").put("op", op)
        .put("logN", logN).put("primes", primes).put("threads", 1).put("ms_median", t.medianMs())
        .put("cpu_ms_median", t.cpuMedianMs())
        .put("openfhe_ms", reference).put("openfhe_threads", 1)
        .put("ratio_vs_openfhe", reference == null ? null : t.medianMs() / reference)
        .put("cpu_ratio_vs_openfhe", reference == null ? null : t.cpuMedianMs() / reference);
  }

  private void emit(JsonLine line, PrecisionStats p) {
    emit(line.put("precision_bits", p.meanBits()).put("precision_min_bits", p.minBits()));
  }

  private void emit(JsonLine line) {
    out.println(line);
    out.flush();
  }

  static double[] uniform(int slots, long seed) {
    Random random = new Random(seed);
    double[] v = new double[slots];
    for (int i = 0; i < slots; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  static double[] rotatedLeft(double[] v, int k) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[Math.floorMod(i + k, v.length)];
    }
    return r;
  }
}
