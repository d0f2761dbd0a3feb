package org.homocloud.testdata.synthetic;

import java.time.LocalDate;

/**
 * One synthetic patient: demographics, one measurement of each vital and lab (taken on
 * {@code effectiveDate}), and the binary outcome drawn from {@link SyntheticGenerator#OUTCOME}.
 * Values are rounded as a lab would report them.
 */
public record SyntheticPatient(
    String id, boolean female, LocalDate birthDate, LocalDate effectiveDate,
    double systolic, double diastolic, double bmi, double glucose, double hba1c,
    double cholesterol, double hdl, double heartRate, boolean outcome) {

  /** Age in whole years on the effective date. */
  public double age() {
    return java.time.Period.between(birthDate, effectiveDate).getYears();
  }
}
