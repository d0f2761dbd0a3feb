package org.homocloud.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.homocloud.he.HeException;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.Plaintext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every evaluator operation against the same computation in the clear, with a precision floor. */
class EvaluatorTest {

  static Stream<String> parameterSets() {
    return TestParameterSets.names();
  }

  private static PrecisionStats check(CkksTestContext ctx, String what, double[] expected, Ciphertext ct, double minBits) {
    PrecisionStats stats = PrecisionStats.of(expected, ctx.decrypt(ct));
    System.out.printf("[%s] %-32s %s%n", ctx, what, stats);
    assertThat(stats.minBits()).as("%s min precision on %s", what, ctx).isGreaterThanOrEqualTo(minBits);
    return stats;
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void encryptDecrypt_publicAndSecretKey_keepPrecision(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] v = ctx.randomValues(1);
    check(ctx, "public-key encrypt", v, ctx.encrypt(v), 25);
    Ciphertext seeded = ctx.secretKeyEncryptor.encrypt(ctx.encoder.encode(v));
    assertThat(seeded.seed()).isPresent();
    check(ctx, "secret-key encrypt (seeded)", v, seeded, 25);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void addSubNegate_matchPlaintext(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] a = ctx.randomValues(2);
    double[] b = ctx.randomValues(3);
    Ciphertext ca = ctx.encrypt(a);
    Ciphertext cb = ctx.encrypt(b);
    double[] sum = new double[a.length];
    double[] diff = new double[a.length];
    double[] neg = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
      diff[i] = a[i] - b[i];
      neg[i] = -a[i];
    }
    check(ctx, "add", sum, ctx.evaluator.addNew(ca, cb), 24);
    check(ctx, "sub", diff, ctx.evaluator.subNew(ca, cb), 24);
    check(ctx, "negate", neg, ctx.evaluator.negateNew(ca), 25);
    Ciphertext inPlace = ca.copy();
    ctx.evaluator.add(inPlace, cb, inPlace);
    check(ctx, "add in place", sum, inPlace, 24);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void plaintextOperands_matchPlaintext(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] a = ctx.randomValues(4);
    double[] b = ctx.randomValues(5);
    Ciphertext ca = ctx.encrypt(a);
    Plaintext pb = ctx.encoder.encode(b);
    double[] sum = new double[a.length];
    double[] product = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
      product[i] = a[i] * b[i];
    }
    check(ctx, "addPlain", sum, ctx.evaluator.addPlainNew(ca, pb), 24);
    Ciphertext prod = ctx.evaluator.mulPlainNew(ca, pb);
    ctx.evaluator.rescale(prod, prod);
    check(ctx, "mulPlain + rescale", product, prod, 20);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void constants_matchPlaintext(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] a = ctx.randomValues(6);
    Ciphertext ca = ctx.encrypt(a);
    double[] plus = new double[a.length];
    double[] times = new double[a.length];
    double[] timesInt = new double[a.length];
    double[] imag = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      plus[i] = a[i] + 0.75;
      times[i] = a[i] * -1.3;
      timesInt[i] = a[i] * 7;
      imag[i] = 0.5;
    }
    check(ctx, "addConstant", plus, ctx.evaluator.addConstantNew(ca, 0.75, 0), 24);
    Ciphertext scaled = ctx.evaluator.multiplyByConstantNew(ca, -1.3);
    ctx.evaluator.rescale(scaled, scaled);
    assertThat(scaled.scale()).isEqualTo(ca.scale());
    check(ctx, "multiplyByConstant + rescale", times, scaled, 22);
    check(ctx, "multiplyByInteger", timesInt, ctx.evaluator.multiplyByIntegerNew(ca, 7), 21);
    Ciphertext withImag = ctx.evaluator.addConstantNew(ca, 0, 0.5);
    double[][] decoded = ctx.encoder.decode(ctx.decryptor.decrypt(withImag));
    PrecisionStats stats = PrecisionStats.of(a, imag, decoded[0], decoded[1]);
    System.out.printf("[%s] %-32s %s%n", ctx, "addConstant (imaginary)", stats);
    assertThat(stats.minBits()).isGreaterThanOrEqualTo(24);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void mulRelinRescale_matchesPlaintextProduct_andDropsOneLevel(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] a = ctx.randomValues(7);
    double[] b = ctx.randomValues(8);
    Ciphertext ca = ctx.encrypt(a);
    Ciphertext cb = ctx.encrypt(b);
    double[] product = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      product[i] = a[i] * b[i];
    }
    Ciphertext degree2 = ctx.evaluator.mulNew(ca, cb);
    assertThat(degree2.degree()).isEqualTo(2);
    check(ctx, "mul (degree 2, no relin)", product, ctx.evaluator.rescaleNew(degree2), 20);
    Ciphertext prod = ctx.evaluator.mulRelinNew(ca, cb);
    assertThat(prod.degree()).isEqualTo(1);
    ctx.evaluator.rescale(prod, prod);
    assertThat(prod.level()).isEqualTo(ca.level() - 1);
    check(ctx, "mulRelin + rescale", product, prod, 20);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void repeatedSquaring_downToLevelZero_keepsPrecision(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] v = ctx.randomValues(9);
    Ciphertext ct = ctx.encrypt(v);
    double[] expected = v.clone();
    while (ct.level() > 0) {
      ct = ctx.evaluator.mulRelinNew(ct, ct);
      ctx.evaluator.rescale(ct, ct);
      for (int i = 0; i < expected.length; i++) {
        expected[i] *= expected[i];
      }
      check(ctx, "square at level " + ct.level(), expected, ct, 15);
    }
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void rotations_andConjugation_matchPlaintext(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] v = ctx.randomValues(10);
    Ciphertext ct = ctx.encrypt(v);
    int n = v.length;
    for (int k : new int[] {1, 5, -1, -7, 128}) {
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = v[Math.floorMod(i + k, n)];
      }
      check(ctx, "rotate " + k, expected, ctx.evaluator.rotateNew(ct, k), 22);
    }
    double[] im = ctx.randomValues(11);
    Ciphertext complex = ctx.encryptor.encrypt(ctx.encoder.encode(v, im, ctx.parameters.logSlots(), ctx.parameters.maxLevel(), ctx.parameters.defaultScale()));
    double[][] conj = ctx.encoder.decode(ctx.decryptor.decrypt(ctx.evaluator.conjugateNew(complex)));
    double[] negIm = new double[n];
    for (int i = 0; i < n; i++) {
      negIm[i] = -im[i];
    }
    PrecisionStats stats = PrecisionStats.of(v, negIm, conj[0], conj[1]);
    System.out.printf("[%s] %-32s %s%n", ctx, "conjugate", stats);
    assertThat(stats.minBits()).isGreaterThanOrEqualTo(22);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void hoistedRotations_equalSeparateRotations(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] v = ctx.randomValues(12);
    Ciphertext ct = ctx.encrypt(v);
    int n = v.length;
    Map<Integer, Ciphertext> hoisted = ctx.evaluator.rotateHoisted(ct, 1, 2, 3, 4, 5, 8, 16, 32);
    assertThat(hoisted).hasSize(8);
    for (Map.Entry<Integer, Ciphertext> e : hoisted.entrySet()) {
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = v[(i + e.getKey()) % n];
      }
      check(ctx, "hoisted rotate " + e.getKey(), expected, e.getValue(), 22);
    }
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void rotateAndSum_givesWindowSums(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] v = ctx.randomValues(13);
    int n = v.length;
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 16; j++) {
        expected[i] += v[(i + j) % n];
      }
    }
    check(ctx, "rotateAndSum 16", expected, ctx.evaluator.rotateAndSumNew(ctx.encrypt(v), 16), 20);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void dropLevel_keepsValues_andOperandsMeetAtLowerLevel(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    double[] a = ctx.randomValues(14);
    Ciphertext ca = ctx.encrypt(a);
    Ciphertext dropped = ctx.evaluator.dropLevelNew(ca, 2);
    assertThat(dropped.level()).isEqualTo(ca.level() - 2);
    check(ctx, "dropLevel 2", a, dropped, 24);
    double[] twice = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      twice[i] = 2 * a[i];
    }
    Ciphertext sum = ctx.evaluator.addNew(ca, dropped);
    assertThat(sum.level()).isEqualTo(dropped.level());
    check(ctx, "add across levels", twice, sum, 23);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void sparseSlots_encodeAndRotateWithinTheSparseVector(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    int logSlots = 4;
    double[] v = new double[16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i - 8) / 10.0;
    }
    Plaintext pt = ctx.encoder.encode(v, null, logSlots, ctx.parameters.maxLevel(), ctx.parameters.defaultScale());
    Ciphertext ct = ctx.encryptor.encrypt(pt);
    check(ctx, "sparse encrypt (16 slots)", v, ct, 25);
    double[] rotated = new double[16];
    for (int i = 0; i < 16; i++) {
      rotated[i] = v[(i + 3) % 16];
    }
    check(ctx, "sparse rotate 3", rotated, ctx.evaluator.rotateNew(ct, 3), 22);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void mismatchedOperands_failWithMessagesThatSayWhy(String set) {
    CkksTestContext ctx = CkksTestContext.of(set);
    Ciphertext a = ctx.encrypt(ctx.randomValues(15));
    Ciphertext squared = ctx.evaluator.mulRelinNew(a, a);
    assertThatThrownBy(() -> ctx.evaluator.addNew(a, squared))
        .isInstanceOf(HeException.class).hasMessageContaining("scales differ");
    Ciphertext bottom = ctx.evaluator.dropLevelNew(a, a.level());
    assertThatThrownBy(() -> ctx.evaluator.rescaleNew(bottom))
        .isInstanceOf(HeException.class).hasMessageContaining("level 0");
    Evaluator keyless = new Evaluator(ctx.parameters, new EvaluationKeySet(null, java.util.List.of()));
    assertThatThrownBy(() -> keyless.mulRelinNew(a, a))
        .isInstanceOf(HeException.class).hasMessageContaining("relinearization key");
    assertThatThrownBy(() -> ctx.evaluator.rotateNew(a, 9))
        .isInstanceOf(HeException.class).hasMessageContaining("no Galois key");
    assertThatThrownBy(() -> ctx.evaluator.rotateNew(ctx.evaluator.mulNew(a, a), 1))
        .isInstanceOf(HeException.class).hasMessageContaining("degree 2");
  }
}
