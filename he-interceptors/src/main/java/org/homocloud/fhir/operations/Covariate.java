package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.OptionalDouble;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;

/**
 * A plaintext regression column taken from the Patient resource, which the server stores in the clear:
 * {@code age} in years (birth date to the request's reference date; a year-only birth date counts from
 * 1 July, a year-month one from the 15th) and {@code gender} (female 1, male 0; any other value, or none,
 * leaves the patient out). Logistic regression normalises them with the public constants here, which map
 * ages 0..100 and the two genders onto [-1, 1].
 */
enum Covariate {
  AGE("age", 50, 50),
  GENDER("gender", 0.5, 0.5);

  private final String code;
  private final double center;
  private final double scale;

  Covariate(String code, double center, double scale) {
    this.code = code;
    this.center = center;
    this.scale = scale;
  }

  String code() {
    return code;
  }

  /** The public centre logistic regression subtracts. */
  double center() {
    return center;
  }

  /** The public scale logistic regression divides by, after centring. */
  double scale() {
    return scale;
  }

  static Covariate parse(String value) {
    for (Covariate covariate : values()) {
      if (covariate.code.equals(value)) {
        return covariate;
      }
    }
    throw new InvalidRequestException("covariate must be 'age' or 'gender' (from Patient): '" + value + "'");
  }

  /** This covariate of {@code patient} at {@code at}, or empty when the Patient does not say. */
  OptionalDouble of(Patient patient, LocalDate at) {
    return switch (this) {
      case AGE -> birthDate(patient).map(born -> OptionalDouble.of(ChronoUnit.DAYS.between(born, at) / 365.25))
          .orElse(OptionalDouble.empty());
      case GENDER -> patient.getGender() == AdministrativeGender.FEMALE ? OptionalDouble.of(1)
          : patient.getGender() == AdministrativeGender.MALE ? OptionalDouble.of(0) : OptionalDouble.empty();
    };
  }

  private static java.util.Optional<LocalDate> birthDate(Patient patient) {
    if (!patient.hasBirthDateElement() || patient.getBirthDateElement().getValueAsString() == null) {
      return java.util.Optional.empty();
    }
    String[] parts = patient.getBirthDateElement().getValueAsString().split("-");
    try {
      int year = Integer.parseInt(parts[0]);
      int month = parts.length > 1 ? Integer.parseInt(parts[1]) : 7;
      int day = parts.length > 2 ? Integer.parseInt(parts[2].substring(0, 2)) : parts.length > 1 ? 15 : 1;
      return java.util.Optional.of(LocalDate.of(year, month, day));
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
