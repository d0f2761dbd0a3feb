package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.hl7.fhir.r4.model.Patient;

/**
 * The plaintext covariates of a regression's patients, read once per patient from the Patient resource:
 * a patient whose Patient does not state every covariate asked for is left out of the regression.
 */
final class PatientCovariates {

  private final PatientRecords records;
  private final List<Covariate> covariates;
  private final LocalDate at;
  private final Map<String, double[]> known = new HashMap<>();

  PatientCovariates(PatientRecords records, List<Covariate> covariates, LocalDate at) {
    if (!covariates.isEmpty() && records == null) {
      throw new UnprocessableEntityException("covariates are not available on this server (no patient records)");
    }
    if (covariates.size() != covariates.stream().distinct().count()) {
      throw new UnprocessableEntityException("each covariate may be asked for once: " + covariates);
    }
    this.records = records;
    this.covariates = List.copyOf(covariates);
    this.at = at;
  }

  List<Covariate> covariates() {
    return covariates;
  }

  /** The date ages are computed at. */
  LocalDate at() {
    return at;
  }

  /** Whether the patient states every covariate (always true without covariates). */
  boolean known(String reference) {
    return covariates.isEmpty() || values(reference) != null;
  }

  /** The covariates of {@code reference} in request order, or null when its Patient lacks one. */
  double[] values(String reference) {
    if (covariates.isEmpty()) {
      return new double[0];
    }
    return known.computeIfAbsent(reference, this::read);
  }

  private double[] read(String reference) {
    Patient patient = records.patient(reference).orElse(null);
    if (patient == null) {
      return null;
    }
    double[] out = new double[covariates.size()];
    for (int k = 0; k < out.length; k++) {
      OptionalDouble value = covariates.get(k).of(patient, at);
      if (value.isEmpty()) {
        return null;
      }
      out[k] = value.getAsDouble();
    }
    return out;
  }
}
