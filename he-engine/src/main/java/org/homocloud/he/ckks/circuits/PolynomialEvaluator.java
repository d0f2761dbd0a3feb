package org.homocloud.he.ckks.circuits;

import java.util.HashMap;
import java.util.Map;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Evaluates a {@link ChebyshevPolynomial} on a ciphertext, slot-wise, by baby-step giant-step:
 * baby steps T_0..T_{b-1} and giant steps T_b, T_2b, T_4b, ... are computed once, and the
 * polynomial is split recursively as p = q * T_g + r (Chebyshev division). Every summand is
 * brought to one exact scale by choosing the scale of its scalar coefficient, so scales never
 * drift apart. Depth: ceil(log2(degree + 1)) + 1 levels (the extra level is the scalar layer).
 */
public final class PolynomialEvaluator {

  private final Evaluator evaluator;
  private final CkksParameters parameters;

  public PolynomialEvaluator(Evaluator evaluator) {
    this.evaluator = evaluator;
    this.parameters = evaluator.parameters();
  }

  /** Levels consumed by evaluating a polynomial of this degree. */
  public static int depth(int degree) {
    if (degree <= 1) {
      return 1;
    }
    return 32 - Integer.numberOfLeadingZeros(degree) + 1;
  }

  /**
   * Evaluates {@code p} on the slots of {@code ct} (which must lie in p's interval) and returns a
   * ciphertext at level {@code ct.level() - depth(p.degree())} with exactly {@code targetScale}.
   */
  public Ciphertext evaluate(Ciphertext ct, ChebyshevPolynomial p, double targetScale) {
    int degree = p.degree();
    int depth = depth(degree);
    if (ct.level() < depth) {
      throw new HeException("cannot evaluate a degree-" + degree + " polynomial: it needs " + depth
          + " levels, the ciphertext has " + ct.level());
    }
    // Map the interval to [-1, 1]: u = alpha * x + beta, folded into one scalar layer.
    double alpha = 2 / (p.upper() - p.lower());
    double beta = -(p.upper() + p.lower()) / (p.upper() - p.lower());
    Ciphertext u = ct;
    int topLevel = ct.level();
    if (alpha != 1 || beta != 0) {
      u = evaluator.multiplyByConstantNew(ct, alpha);
      evaluator.rescale(u, u);
      if (beta != 0) {
        evaluator.addConstant(u, beta, 0, u);
      }
      topLevel = u.level();
      if (topLevel < depth(degree) - 1) {
        throw new HeException("cannot evaluate a degree-" + degree + " polynomial after mapping its interval: "
            + "it needs " + (depth(degree) + 1) + " levels, the ciphertext has " + ct.level());
      }
    }
    int logBaby = Math.max(1, (32 - Integer.numberOfLeadingZeros(degree)) / 2);
    Basis basis = new Basis(u, 1 << logBaby);
    int targetLevel = ct.level() - depthWithMapping(degree, alpha, beta);
    return evaluateRecursive(p.coefficients(), basis, targetLevel, targetScale);
  }

  /** Levels consumed including the interval mapping, when the interval is not [-1, 1]. */
  public static int depthWithMapping(int degree, double alpha, double beta) {
    return depth(degree) + ((alpha != 1 || beta != 0) ? 1 : 0);
  }

  /** Levels consumed by {@link #evaluate} for this polynomial. */
  public static int levelsConsumed(ChebyshevPolynomial p) {
    double alpha = 2 / (p.upper() - p.lower());
    double beta = -(p.upper() + p.lower()) / (p.upper() - p.lower());
    return depthWithMapping(p.degree(), alpha, beta);
  }

  private Ciphertext evaluateRecursive(double[] c, Basis basis, int level, double scale) {
    int degree = effectiveDegree(c);
    if (degree < basis.babySteps) {
      return linearCombination(c, degree, basis, level, scale);
    }
    int giant = basis.babySteps;
    while (giant * 2 <= degree) {
      giant *= 2;
    }
    double[] q = new double[degree - giant + 1];
    double[] r = new double[giant];
    System.arraycopy(c, 0, r, 0, Math.min(giant, c.length));
    q[0] = c[giant];
    for (int j = 1; j <= degree - giant; j++) {
      q[j] = 2 * c[giant + j];
      r[giant - j] -= c[giant + j];
    }
    Ciphertext tg = basis.power(giant);
    int productLevel = level + 1;
    if (tg.level() < productLevel) {
      throw new HeException("polynomial evaluation ran out of levels at giant step T_" + giant);
    }
    Ciphertext tgAligned = evaluator.dropToLevelNew(tg, productLevel);
    double prime = parameters.rlwe().qPrimes().get(productLevel);
    Ciphertext quotient = evaluateRecursive(q, basis, productLevel, scale * prime / tgAligned.scale());
    Ciphertext product = evaluator.mulRelinNew(quotient, tgAligned);
    evaluator.rescale(product, product);
    product.setScale(scale);
    Ciphertext remainder = evaluateRecursive(r, basis, level, scale);
    evaluator.add(product, evaluator.dropToLevelNew(remainder, level), product);
    return product;
  }

  /** sum c_i T_i for i <= degree < babySteps, landing at (level, scale) after one rescale. */
  private Ciphertext linearCombination(double[] c, int degree, Basis basis, int level, double scale) {
    int productLevel = level + 1;
    double prime = parameters.rlwe().qPrimes().get(productLevel);
    double accumulatorScale = scale * prime;
    Ciphertext sum = null;
    for (int i = 1; i <= Math.max(degree, 1); i++) {
      double coefficient = i < c.length ? c[i] : 0;
      if (coefficient == 0 && !(sum == null && i == Math.max(degree, 1))) {
        continue;
      }
      Ciphertext ti = basis.power(i);
      if (ti.level() < productLevel) {
        throw new HeException("polynomial evaluation ran out of levels at baby step T_" + i);
      }
      Ciphertext aligned = evaluator.dropToLevelNew(ti, productLevel);
      Ciphertext term = evaluator.multiplyByConstantNew(aligned, coefficient, accumulatorScale / aligned.scale());
      term.setScale(accumulatorScale);
      if (sum == null) {
        sum = term;
      } else {
        evaluator.add(sum, term, sum);
      }
    }
    if (c.length > 0 && c[0] != 0) {
      evaluator.addConstant(sum, c[0], 0, sum);
    }
    evaluator.rescale(sum, sum);
    sum.setScale(scale);
    return sum;
  }

  private static int effectiveDegree(double[] c) {
    int d = c.length - 1;
    while (d > 0 && c[d] == 0) {
      d--;
    }
    return d;
  }

  /** Lazily computed Chebyshev powers T_i(u) at their lowest possible depth. */
  private final class Basis {
    private final Map<Integer, Ciphertext> powers = new HashMap<>();
    private final int babySteps;

    Basis(Ciphertext u, int babySteps) {
      this.babySteps = babySteps;
      powers.put(1, u);
    }

    Ciphertext power(int i) {
      Ciphertext known = powers.get(i);
      if (known != null) {
        return known;
      }
      // T_{m+n} = 2 T_m T_n - T_{m-n}, with m the largest power of two below i (or i/2).
      int m = Integer.highestOneBit(i);
      if (m == i) {
        m = i / 2;
      }
      int n = i - m;
      Ciphertext tm = power(m);
      Ciphertext tn = power(n);
      int level = Math.min(tm.level(), tn.level());
      Ciphertext product = evaluator.mulRelinNew(
          evaluator.dropToLevelNew(tm, level), evaluator.dropToLevelNew(tn, level));
      evaluator.multiplyByInteger(product, 2, product);
      evaluator.rescale(product, product);
      Ciphertext result;
      if (m == n) {
        result = evaluator.addConstantNew(product, -1, 0);
      } else {
        Ciphertext tDiff = power(m - n);
        result = subtractAligned(product, tDiff);
      }
      powers.put(i, result);
      return result;
    }

    /** a - b where b sits at a higher level and a nearly equal scale: align b exactly first. */
    private Ciphertext subtractAligned(Ciphertext a, Ciphertext b) {
      if (b.level() > a.level()) {
        Ciphertext bAligned = evaluator.dropToLevelNew(b, a.level() + 1);
        double prime = parameters.rlwe().qPrimes().get(a.level() + 1);
        bAligned = evaluator.multiplyByConstantNew(bAligned, 1.0, a.scale() * prime / bAligned.scale());
        evaluator.rescale(bAligned, bAligned);
        bAligned.setScale(a.scale());
        return evaluator.subNew(a, bAligned);
      }
      // Same level (only when m - n = 1 and depths coincide): scales differ by at most the
      // relative spread of the primes; accept it as the evaluator's tolerance does.
      return evaluator.subNew(a, b);
    }
  }
}
