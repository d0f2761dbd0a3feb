package org.homocloud.he.ring;

import org.homocloud.he.HeException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * How many threads one operation may use. Work is split over independent RNS limbs, which
 * need no synchronization. Pools are shared per thread count and their threads are daemons.
 */
public final class Parallelism {

  private static final Parallelism SEQUENTIAL = new Parallelism(1, null);

  private final int threads;
  private final ForkJoinPool pool;

  private Parallelism(int threads, ForkJoinPool pool) {
    this.threads = threads;
    this.pool = pool;
  }

  public static Parallelism sequential() {
    return SEQUENTIAL;
  }

  /** Uses up to {@code threads} threads per operation; 1 means run on the caller's thread. */
  public static Parallelism threads(int threads) {
    if (threads < 1) {
      throw new HeException("thread count must be at least 1: " + threads);
    }
    if (threads == 1) {
      return SEQUENTIAL;
    }
    return new Parallelism(threads, new ForkJoinPool(threads, DaemonThreads.FACTORY, null, false));
  }

  public int threadCount() {
    return threads;
  }

  /** Runs {@code body} for 0..count-1, in parallel when allowed and worthwhile. */
  public void forEach(int count, IntConsumer body) {
    if (pool == null || count == 1) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    pool.submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
  }

  private static final class DaemonThreads {
    static final ForkJoinPool.ForkJoinWorkerThreadFactory FACTORY =
        pool -> {
          var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          thread.setDaemon(true);
          thread.setName("he-engine-" + thread.getPoolIndex());
          return thread;
        };
  }
}
