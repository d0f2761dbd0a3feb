package org.homocloud.fhir.operations;

import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;

/**
 * The plaintext facts about patients that the regression operations may use (the server stores them
 * in the clear): who has a Condition matching a search (a binary outcome), and a patient's
 * demographics (covariates). Implemented over the server's storage, as a system request: the
 * operation itself is what is authorized.
 */
public interface PatientRecords {

  /** References ({@code Patient/ID}) of the subjects of every Condition matching {@code query}, e.g. {@code code=SYSTEM|CODE}. */
  Set<String> subjectsOfConditions(String query);

  /** The patient a reference ({@code Patient/ID}) names, if it exists. */
  Optional<Patient> patient(String reference);
}
