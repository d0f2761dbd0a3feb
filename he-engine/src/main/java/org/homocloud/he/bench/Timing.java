package org.homocloud.he.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Timing of one operation: untimed warm-up runs (at least the given count and at least one
 * second, so the JIT has compiled the hot loops with full optimisation), then timed runs
 * summarised by the median and minimum of their wall-clock time, and the median CPU time of the
 * calling thread. On a shared machine the CPU time of a single-threaded run is the steadier
 * figure: it leaves out the time the thread waited for a core (it also leaves out GC threads).
 */
record Timing(double medianMs, double minMs, double cpuMedianMs, int runs) {

  /** Something to time; may return a result, which is consumed so it cannot be optimised away. */
  @FunctionalInterface
  interface Body {
    Object run();
  }

  /** Sink for results, so the JIT cannot drop the work that produced them. */
  private static volatile int sink;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Warm-up continues past the given count until this much time has been spent. */
  static final long MIN_WARMUP_NANOS = 1_000_000_000L;

  static Timing measure(int warmups, int runs, Body body) {
    return measure(warmups, runs, () -> null, x -> body.run());
  }

  /**
   * For operations well below a millisecond: each sample times {@code batch} back-to-back calls
   * and counts their mean, which keeps timer resolution and loop overhead out of the figure.
   */
  static Timing measureBatched(int warmups, int runs, int batch, Body body) {
    Timing perBatch = measure(warmups, runs, () -> {
      Object last = null;
      for (int i = 0; i < batch; i++) {
        last = body.run();
      }
      return last;
    });
    return new Timing(perBatch.medianMs / batch, perBatch.minMs / batch,
        perBatch.cpuMedianMs / batch, runs);
  }

  /**
   * Times {@code body} on a fresh input from {@code setup} each run, for kernels that consume or
   * overwrite their input; only the body is timed.
   */
  static <S> Timing measure(int warmups, int runs, Supplier<S> setup, Function<S, Object> body) {
    long warmupStart = System.nanoTime();
    for (int i = 0; i < warmups || System.nanoTime() - warmupStart < MIN_WARMUP_NANOS; i++) {
      consume(body.apply(setup.get()));
    }
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    for (int i = 0; i < runs; i++) {
      S input = setup.get();
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      Object result = body.apply(input);
      wall[i] = (System.nanoTime() - start) / 1e6;
      cpu[i] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
      consume(result);
    }
    double[] sortedWall = sorted(wall);
    return new Timing(median(sortedWall), sortedWall[0], median(sorted(cpu)), runs);
  }

  /**
   * Times several variants of one operation (for example at 1 and 2 threads) with their timed
   * runs interleaved, round after round, so that a change in the machine's load while measuring
   * falls on every variant alike instead of on whichever ran at the time.
   */
  static Timing[] measureInterleaved(int warmups, int runs, Body... bodies) {
    for (Body body : bodies) {
      long warmupStart = System.nanoTime();
      for (int i = 0; i < warmups || System.nanoTime() - warmupStart < MIN_WARMUP_NANOS; i++) {
        consume(body.run());
      }
    }
    double[][] wall = new double[bodies.length][runs];
    double[][] cpu = new double[bodies.length][runs];
    for (int i = 0; i < runs; i++) {
      for (int v = 0; v < bodies.length; v++) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Object result = bodies[v].run();
        wall[v][i] = (System.nanoTime() - start) / 1e6;
        cpu[v][i] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        consume(result);
      }
    }
    Timing[] out = new Timing[bodies.length];
    for (int v = 0; v < bodies.length; v++) {
      double[] sortedWall = sorted(wall[v]);
      out[v] = new Timing(median(sortedWall), sortedWall[0], median(sorted(cpu[v])), runs);
    }
    return out;
  }

  private static double[] sorted(double[] samples) {
    double[] s = samples.clone();
    Arrays.sort(s);
    return s;
  }

  private static double median(double[] sorted) {
    int k = sorted.length;
    return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
  }

  private static void consume(Object result) {
    sink ^= System.identityHashCode(result);
  }
}
