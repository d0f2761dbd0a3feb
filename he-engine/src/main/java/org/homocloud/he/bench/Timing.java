package org.homocloud.he.bench;

import java.util.Arrays;

/**
 * Wall-clock timing of one operation: untimed warm-up runs (at least the given count and at
 * least one second, so the JIT has compiled the hot loops with full optimisation), then timed
 * runs summarised by their median and minimum.
 */
record Timing(double medianMs, double minMs, int runs) {

  /** Something to time; may return a result, which is consumed so it cannot be optimised away. */
  @FunctionalInterface
  interface Body {
    Object run();
  }

  /** Sink for results, so the JIT cannot drop the work that produced them. */
  private static volatile int sink;

  /** Warm-up continues past the given count until this much time has been spent. */
  static final long MIN_WARMUP_NANOS = 1_000_000_000L;

  static Timing measure(int warmups, int runs, Body body) {
    long warmupStart = System.nanoTime();
    for (int i = 0; i < warmups || System.nanoTime() - warmupStart < MIN_WARMUP_NANOS; i++) {
      consume(body.run());
    }
    double[] samples = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Object result = body.run();
      samples[i] = (System.nanoTime() - start) / 1e6;
      consume(result);
    }
    return of(samples);
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
    return new Timing(perBatch.medianMs / batch, perBatch.minMs / batch, runs);
  }

  /**
   * Times {@code body} on a fresh input from {@code setup} each run, for kernels that consume or
   * overwrite their input; only the body is timed.
   */
  static <S> Timing measure(int warmups, int runs, java.util.function.Supplier<S> setup,
      java.util.function.Function<S, Object> body) {
    for (int i = 0; i < warmups; i++) {
      consume(body.apply(setup.get()));
    }
    double[] samples = new double[runs];
    for (int i = 0; i < runs; i++) {
      S input = setup.get();
      long start = System.nanoTime();
      Object result = body.apply(input);
      samples[i] = (System.nanoTime() - start) / 1e6;
      consume(result);
    }
    return of(samples);
  }

  static Timing of(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int k = sorted.length;
    double median = k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
    return new Timing(median, sorted[0], k);
  }

  private static void consume(Object result) {
    sink ^= System.identityHashCode(result);
  }
}
