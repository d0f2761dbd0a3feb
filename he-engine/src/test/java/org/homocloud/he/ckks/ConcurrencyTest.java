package org.homocloud.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  @Test
  void oneEvaluator_sharedByFourThreads_givesCorrectResultsInEach() throws Exception {
    CkksTestContext ctx = CkksTestContext.of(TestParameterSets.INSECURE_LOGN12);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PrecisionStats>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final long seed = 100 + t;
        results.add(pool.submit(() -> {
          double[] a = ctx.randomValues(seed);
          double[] expected = new double[a.length];
          for (int i = 0; i < a.length; i++) {
            expected[i] = a[(i + 1) % a.length] * a[(i + 1) % a.length];
          }
          Ciphertext ct = ctx.encrypt(a);
          for (int round = 0; round < 3; round++) {
            Ciphertext r = ctx.evaluator.rotateNew(ct, 1);
            Ciphertext sq = ctx.evaluator.rescaleNew(ctx.evaluator.mulRelinNew(r, r));
            PrecisionStats stats = PrecisionStats.of(expected, ctx.decrypt(sq));
            if (stats.minBits() < 20) {
              return stats;
            }
          }
          return PrecisionStats.of(expected, ctx.decrypt(ctx.evaluator.rescaleNew(
              ctx.evaluator.mulRelinNew(ctx.evaluator.rotateNew(ct, 1), ctx.evaluator.rotateNew(ct, 1)))));
        }));
      }
      for (Future<PrecisionStats> f : results) {
        PrecisionStats stats = f.get();
        System.out.println("shared evaluator thread: " + stats);
        assertThat(stats.minBits()).isGreaterThanOrEqualTo(20);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoThreadsPerOperation_giveTheSameCiphertextsAsOne() {
    CkksTestContext ctx = CkksTestContext.of(TestParameterSets.INSECURE_LOGN12);
    Evaluator parallel = ctx.evaluator.withParallelism(Parallelism.threads(2));
    Ciphertext a = ctx.encrypt(ctx.randomValues(200));
    Ciphertext b = ctx.encrypt(ctx.randomValues(201));
    Ciphertext sequentialResult = ctx.evaluator.rescaleNew(ctx.evaluator.mulRelinNew(ctx.evaluator.rotateNew(a, 3), b));
    Ciphertext parallelResult = parallel.rescaleNew(parallel.mulRelinNew(parallel.rotateNew(a, 3), b));
    // Key switching and rescaling are deterministic, so the residues must agree exactly.
    for (int i = 0; i < 2; i++) {
      assertThat(parallelResult.poly(i).sameResidues(sequentialResult.poly(i))).isTrue();
    }
  }
}
