package org.homocloud.testdata.synthetic;

import java.util.function.ToDoubleFunction;

/**
 * The ten features of a synthetic patient, in the order of {@link FeatureMatrix} columns, with
 * the LOINC code and UCUM unit their Observations carry, and public normalisation constants
 * (centre and spread of the clinical reference range, not statistics of any cohort) that map
 * typical values to about [-1, 1] for logistic regression on ciphertexts.
 */
public enum Feature {
  SYSTOLIC("8480-6", "Systolic blood pressure", "mm[Hg]", 130, 30, SyntheticPatient::systolic),
  DIASTOLIC("8462-4", "Diastolic blood pressure", "mm[Hg]", 80, 20, SyntheticPatient::diastolic),
  BMI("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 27, 8, SyntheticPatient::bmi),
  GLUCOSE("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 105, 40, SyntheticPatient::glucose),
  HBA1C("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 5.9, 1.5, SyntheticPatient::hba1c),
  CHOLESTEROL("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 200, 60,
      SyntheticPatient::cholesterol),
  HDL("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "mg/dL", 52, 25, SyntheticPatient::hdl),
  HEART_RATE("8867-4", "Heart rate", "/min", 74, 25, SyntheticPatient::heartRate),
  AGE(null, "Age in years (from Patient.birthDate)", "a", 50, 30, SyntheticPatient::age),
  FEMALE(null, "Female (from Patient.gender), 0 or 1", "1", 0.5, 1, p -> p.female() ? 1 : 0);

  /** Blood pressure panel that carries systolic and diastolic as components. */
  public static final String BLOOD_PRESSURE_PANEL = "85354-9";

  private final String loinc;
  private final String display;
  private final String unit;
  private final double center;
  private final double scale;
  private final ToDoubleFunction<SyntheticPatient> value;

  Feature(String loinc, String display, String unit, double center, double scale,
      ToDoubleFunction<SyntheticPatient> value) {
    this.loinc = loinc;
    this.display = display;
    this.unit = unit;
    this.center = center;
    this.scale = scale;
    this.value = value;
  }

  /** LOINC code of the Observation (or component), or null for Patient-derived covariates. */
  public String loinc() {
    return loinc;
  }

  public String display() {
    return display;
  }

  /** UCUM unit. */
  public String unit() {
    return unit;
  }

  public double center() {
    return center;
  }

  public double scale() {
    return scale;
  }

  public double of(SyntheticPatient patient) {
    return value.applyAsDouble(patient);
  }

  /** (value - centre) / scale. */
  public double normalised(SyntheticPatient patient) {
    return (of(patient) - center) / scale;
  }
}
