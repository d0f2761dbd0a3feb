package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.HeException;
import org.homocloud.he.analytics.Gather;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * The patients of a regression and their values aligned on ciphertexts: one cohort search per code,
 * per patient the latest value (or the mean of all, weights 1/k), the patients that have every code
 * (and pass the caller's filter, e.g. known covariates), then one {@link Gather} that moves each value
 * from its packed slot to slot p of its code's vector (one level). Shared by linear and logistic regression.
 */
final class PatientAlignment {

  /** The patients (slot p is {@code patients.get(p)}) and one aligned vector per code, in the codes' order. */
  record Aligned(List<String> patients, KeySetEngine engine, String keySetId, int keySetVersion,
      List<Ciphertext> vectors) {
  }

  private final CohortSearch search;
  private final PackedValueReader values;
  private final KeySetEngines engines;
  private final int minimumCohort;

  PatientAlignment(CohortSearch search, PackedValueReader values, KeySetEngines engines, int minimumCohort) {
    this.search = search;
    this.values = values;
    this.engines = engines;
    this.minimumCohort = minimumCohort;
  }

  /**
   * @param progress told of {@code distinct packing groups + extraUnits} units, and of each group loaded; the
   *     caller reports its own {@code extraUnits} (the computation after the alignment)
   */
  Aligned align(List<String> codes, String cohort, boolean mean, Predicate<String> eligible, OperationProgress progress,
      int extraUnits) {
    // Per code, per patient: the values (latest first) the cohort search finds.
    List<Map<String, List<ValueLocation>>> perCode = new ArrayList<>();
    for (String code : codes) {
      perCode.add(PatientValues.byPatient(search, code, cohort));
    }
    List<String> patients = new ArrayList<>(perCode.get(0).keySet());
    for (Map<String, List<ValueLocation>> byPatient : perCode) {
      patients.retainAll(byPatient.keySet());
    }
    patients.removeIf(eligible.negate());
    // Patient p goes to slot p in the order the first code's values are stored: values stored patient after
    // patient (server ingest in arrival order, client-side encryption code by code) then move with one shift per
    // packing group, where another order would need about one masked rotation per patient.
    Map<String, List<ValueLocation>> firstCode = perCode.get(0);
    patients.sort(Comparator.comparing((String patient) -> firstCode.get(patient).get(0).groupId())
        .thenComparingInt(patient -> firstCode.get(patient).get(0).slot()));
    if (patients.size() < minimumCohort) {
      throw new UnprocessableEntityException(patients.size() + " patient(s) have every code, fewer than the minimum of "
          + minimumCohort + ": widen the search or use fewer features");
    }
    ValueLocation first = perCode.get(0).get(patients.get(0)).get(0);
    KeySetEngine engine;
    try {
      engine = engines.version(first.keySetId(), first.keySetVersion());
    } catch (KeySetException e) {
      throw new InternalErrorException("key set of the stored values cannot be read: " + e.getMessage(), e);
    }
    if (patients.size() > engine.slotCount()) {
      throw new UnprocessableEntityException(patients.size() + " patients exceed the " + engine.slotCount()
          + " slots of one ciphertext: narrow the cohort");
    }

    // Units of work: each packing group's ciphertext loaded, then the caller's computation.
    progress.begin(distinctGroups(perCode) + extraUnits);
    Map<String, Integer> sourceIndex = new LinkedHashMap<>();
    List<Ciphertext> sources = new ArrayList<>();
    List<Gather.Move> moves = new ArrayList<>();
    try {
      for (int column = 0; column < codes.size(); column++) {
        for (int p = 0; p < patients.size(); p++) {
          List<ValueLocation> locations = perCode.get(column).get(patients.get(p));
          List<ValueLocation> used = mean ? locations : locations.subList(0, 1);
          for (ValueLocation location : used) {
            if (!location.keySetId().equals(first.keySetId()) || location.keySetVersion() != first.keySetVersion()) {
              throw new UnprocessableEntityException("the values are encrypted under several key-set versions: "
                  + "narrow the search by date to one version");
            }
            Integer index = sourceIndex.get(location.groupId());
            if (index == null) {
              index = sources.size();
              sources.add(values.groupCiphertext(engine, location.groupId()));
              sourceIndex.put(location.groupId(), index);
              progress.advance();
            }
            moves.add(new Gather.Move(new SlotRef(index, location.slot()), new SlotRef(column, p), 1.0 / used.size()));
          }
        }
      }
    } catch (CiphertextStoreException | IllegalArgumentException e) {
      throw new InternalErrorException("the stored ciphertexts cannot be read: " + e.getMessage(), e);
    }
    try {
      List<Ciphertext> aligned = new Gather(engine.analyticsEvaluator(), engine.encoder()).gather(sources, moves, codes.size());
      return new Aligned(List.copyOf(patients), engine, first.keySetId(), first.keySetVersion(), aligned);
    } catch (HeException | IllegalStateException e) {
      throw new UnprocessableEntityException("the values cannot be aligned on these ciphertexts: " + e.getMessage());
    }
  }

  /** An upper bound of the packing groups to load: those of every value found (only the cohort's are loaded). */
  private static int distinctGroups(List<Map<String, List<ValueLocation>>> perCode) {
    return (int) perCode.stream().flatMap(byPatient -> byPatient.values().stream()).flatMap(List::stream)
        .map(ValueLocation::groupId).distinct().count();
  }
}
