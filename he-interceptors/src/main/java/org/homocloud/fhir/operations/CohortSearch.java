package org.homocloud.fhir.operations;

import java.util.List;
import org.hl7.fhir.r4.model.Observation;

/**
 * Finds the Observations of a cohort with an ordinary FHIR search ({@code Observation?code=...&patient.gender=...}),
 * as the server's storage runs it (the JPA DAO in a server). The encrypted operations describe cohorts
 * only this way, so anything a FHIR user can search, they can aggregate.
 */
@FunctionalInterface
public interface CohortSearch {

  /** Every Observation matching {@code query} (search parameters without the resource type and {@code ?}). */
  List<Observation> search(String query);
}
