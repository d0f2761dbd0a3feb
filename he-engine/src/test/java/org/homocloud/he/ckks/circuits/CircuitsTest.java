package org.homocloud.he.ckks.circuits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.api.Test;

class CircuitsTest {

  @Test
  void chebyshevPolynomial_evaluatedOnCiphertexts_matchesTheClear() {
    CkksParameters params = CkksPresets.insecureForTestingLogN12();
    CircuitTestKeys keys = new CircuitTestKeys(params, List.of());
    ChebyshevPolynomial p = ChebyshevPolynomial.interpolate(x -> Math.sin(3 * x), -1, 1, 15);
    double[] x = new double[params.slots()];
    double[] expected = new double[x.length];
    Random random = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * random.nextDouble() - 1;
      expected[i] = p.evaluate(x[i]);
    }
    Ciphertext ct = keys.encrypt(x, null);
    Ciphertext result = new PolynomialEvaluator(keys.evaluator).evaluate(ct, p, params.defaultScale());
    assertThat(result.level()).isEqualTo(ct.level() - PolynomialEvaluator.levelsConsumed(p));
    assertThat(result.scale()).isEqualTo(params.defaultScale());
    PrecisionStats stats = PrecisionStats.of(expected, keys.decrypt(result)[0]);
    System.out.println("Chebyshev degree 15 of sin(3x): levels " + PolynomialEvaluator.levelsConsumed(p) + ", " + stats);
    assertThat(stats.minBits()).isGreaterThan(18);
  }

  @Test
  void chebyshevPolynomial_onAnotherInterval_mapsItFirst() {
    CkksParameters params = CkksPresets.insecureForTestingLogN12();
    CircuitTestKeys keys = new CircuitTestKeys(params, List.of());
    ChebyshevPolynomial p = ChebyshevPolynomial.interpolate(x -> Math.cos(x), -4, 4, 12);
    double[] x = new double[params.slots()];
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = -4 + 8.0 * i / x.length;
      expected[i] = p.evaluate(x[i]);
    }
    Ciphertext result = new PolynomialEvaluator(keys.evaluator).evaluate(keys.encrypt(x, null), p, params.defaultScale());
    PrecisionStats stats = PrecisionStats.of(expected, keys.decrypt(result)[0]);
    System.out.println("Chebyshev degree 12 of cos on [-4,4]: " + stats);
    assertThat(stats.minBits()).isGreaterThan(16);
  }

  @Test
  void linearTransform_withBabyStepGiantStep_matchesTheClear() {
    CkksParameters params = CkksPresets.insecureForTestingLogN12();
    int slots = params.slots();
    Random random = new Random(2);
    Map<Integer, double[][]> diagonals = new HashMap<>();
    for (int k : new int[] {0, 1, 2, 5, 17, 64, slots - 3, slots - 1}) {
      double[] re = new double[slots];
      double[] im = new double[slots];
      for (int i = 0; i < slots; i++) {
        re[i] = random.nextDouble() - 0.5;
        im[i] = random.nextDouble() - 0.5;
      }
      diagonals.put(k, new double[][] {re, im});
    }
    LinearTransform transform = new LinearTransform(params.logSlots(), diagonals);
    CircuitTestKeys keys = new CircuitTestKeys(params, transform.rotations());
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int i = 0; i < slots; i++) {
      re[i] = random.nextDouble() * 2 - 1;
      im[i] = random.nextDouble() * 2 - 1;
    }
    double[][] expected = transform.applyInTheClear(re, im);
    Ciphertext ct = keys.encrypt(re, im);
    Ciphertext out = transform.evaluate(keys.evaluator, keys.encoder, ct, params.defaultScale());
    assertThat(out.level()).isEqualTo(ct.level() - 1);
    double[][] actual = keys.decrypt(out);
    PrecisionStats stats = PrecisionStats.of(expected[0], expected[1], actual[0], actual[1]);
    System.out.println("linear transform, 8 diagonals, rotations " + transform.rotations() + ": " + stats);
    assertThat(stats.minBits()).isGreaterThan(20);
  }
}
