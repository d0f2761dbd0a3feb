package org.homocloud.testdata.synthetic;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic patients with correlated vitals and labs and a binary outcome from a
 * known logistic model, for benchmarks and tests at any size (10k, 100k, 1M values).
 *
 * <p>Patient i depends only on (seed, i), so every prefix of a larger cohort is the smaller
 * cohort and patients can be generated in parallel or streamed. Correlations come from shared
 * latent causes: age raises blood pressure and cholesterol; a metabolic factor raises BMI,
 * glucose, HbA1c and lowers HDL; BMI raises blood pressure; glucose drives HbA1c. The outcome
 * (think "cardiometabolic event") is Bernoulli(sigmoid(b . z)) on the normalised features z
 * (see {@link Feature}), with the public coefficients {@link #OUTCOME}.
 */
public final class SyntheticGenerator {

  /** True outcome coefficients on normalised features: intercept, then {@link Feature} order. */
  public static final double[] OUTCOME = {-0.6, 0.9, 0.2, 0.4, 0.5, 0.7, 0.3, -0.5, 0.1, 1.0, -0.3};

  /** First effective date; measurements spread over the three years that follow. */
  public static final LocalDate FIRST_DATE = LocalDate.of(2020, 1, 1);

  private final long seed;

  public SyntheticGenerator(long seed) {
    this.seed = seed;
  }

  /** Patients 0 .. count-1. */
  public List<SyntheticPatient> patients(int count) {
    List<SyntheticPatient> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(patient(i));
    }
    return out;
  }

  /** Patient i (independent of how many others are generated). */
  public SyntheticPatient patient(int i) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    boolean female = random.nextBoolean();
    LocalDate effective = FIRST_DATE.plusDays(random.nextInt(3 * 365));
    double ageYears = clamp(50 + 17 * gaussian(random), 18, 95);
    LocalDate birth = effective.minusDays(Math.round(ageYears * 365.25) + random.nextInt(365));
    double metabolic = gaussian(random);
    double ageZ = (ageYears - 50) / 17;
    double bmi = clamp(27 + 4.5 * metabolic + 1.5 * gaussian(random) - (female ? 0.5 : 0), 15, 60);
    double glucose = clamp(100 + 14 * metabolic + 5 * ageZ + 10 * gaussian(random), 55, 400);
    double hba1c = clamp(5.6 + 0.022 * (glucose - 100) + 0.25 * gaussian(random), 4, 14);
    double systolic = clamp(126 + 8 * ageZ + 0.9 * (bmi - 27) - (female ? 4 : 0) + 11 * gaussian(random), 80, 230);
    double diastolic = clamp(79 + 0.45 * (systolic - 126) + 0.3 * (bmi - 27) + 6 * gaussian(random), 40, 140);
    double cholesterol = clamp(195 + 12 * ageZ + 6 * metabolic + (female ? 6 : 0) + 30 * gaussian(random), 100, 400);
    double hdl = clamp(52 - 5 * metabolic + (female ? 9 : 0) + 10 * gaussian(random), 15, 120);
    double heartRate = clamp(73 + 2.5 * metabolic + 9 * gaussian(random), 40, 150);
    SyntheticPatient draft = new SyntheticPatient(id(i), female, birth, effective,
        round(systolic, 0), round(diastolic, 0), round(bmi, 1), round(glucose, 0), round(hba1c, 1),
        round(cholesterol, 0), round(hdl, 0), round(heartRate, 0), false);
    double eta = OUTCOME[0];
    Feature[] features = Feature.values();
    for (int j = 0; j < features.length; j++) {
      eta += OUTCOME[j + 1] * features[j].normalised(draft);
    }
    boolean outcome = random.nextDouble() < 1 / (1 + Math.exp(-eta));
    return new SyntheticPatient(draft.id(), female, birth, effective, draft.systolic(), draft.diastolic(),
        draft.bmi(), draft.glucose(), draft.hba1c(), draft.cholesterol(), draft.hdl(), draft.heartRate(), outcome);
  }

  /** Stable, readable ids: "synthetic-" and the patient number. */
  public static String id(int i) {
    return "synthetic-" + i;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller from the splittable stream (java.util.Random's nextGaussian is not available on it).
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private static double round(double x, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(x * f) / f;
  }
}
