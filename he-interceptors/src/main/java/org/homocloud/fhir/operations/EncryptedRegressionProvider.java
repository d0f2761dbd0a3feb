package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.HeException;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.Gather;
import org.homocloud.he.analytics.NormalEquations;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code Observation/$encrypted-regression?model=linear}: a linear regression of one Observation code (the
 * outcome) on others (features), per patient, computed on ciphertexts. The server returns the encrypted
 * normal-equation statistics, the Gram matrix of [1 | features | outcome] over the cohort's patients; the
 * key holder decrypts it and solves the (d+1) x (d+1) system in the clear (documented choice: a solve on
 * ciphertexts would need an iterative inversion and bootstraps, for a result that reveals no more).
 *
 * <p>Per patient each code contributes its latest value ({@code aggregate=latest}, default) or the mean of
 * its values ({@code aggregate=mean}) among the Observations the cohort search returns (add {@code date=}
 * bounds to choose the window); patients missing any code are left out. Alignment is homomorphic
 * ({@link Gather}: values moved from their packed slots to slot p of one vector per code). Every request
 * parameter other than {@code model}, {@code outcome}, {@code feature}, {@code aggregate} is an Observation
 * search parameter, as for {@code $encrypted-mean}. {@code model=logistic} needs bootstrapping keys that
 * the storage parameters do not carry and is refused with 422 for now.
 *
 * <p>Result: {@code model}, {@code count} (patients), {@code keySet}, {@code keySetVersion}, the
 * {@code feature} codes in column order, the layout ({@code columns}, {@code blockSize},
 * {@code blocksPerCiphertext}: entry e of the upper triangle of G, row-major without (0,0), lies in
 * ciphertext e / blocksPerCiphertext at slot (e % blocksPerCiphertext) * blockSize), and the {@code gram}
 * ciphertexts in order. G[0][0] is the count.
 */
public final class EncryptedRegressionProvider {

  private static final Set<String> OWN_PARAMETERS = Set.of("model", "outcome", "feature", "aggregate");

  private final CohortSearch search;
  private final PackedValueReader values;
  private final KeySetEngines engines;
  private final int minimumCohort;

  public EncryptedRegressionProvider(CohortSearch search, PackedValueReader values, KeySetEngines engines,
      int minimumCohort) {
    this.search = search;
    this.values = values;
    this.engines = engines;
    this.minimumCohort = minimumCohort;
  }

  @Operation(name = "$encrypted-regression", typeName = "Observation", idempotent = true)
  public Parameters encryptedRegression(
      @OperationParam(name = "model", min = 1, max = 1, typeName = "code") CodeType model,
      @OperationParam(name = "outcome", min = 1, max = 1, typeName = "string") StringType outcome,
      @OperationParam(name = "feature", min = 1, typeName = "string") List<StringType> features,
      @OperationParam(name = "aggregate", max = 1, typeName = "code") CodeType aggregate,
      RequestDetails request) {
    if (model == null || !"linear".equals(model.getValue())) {
      if (model != null && "logistic".equals(model.getValue())) {
        throw new UnprocessableEntityException("model=logistic is not available on this server yet: it trains with "
            + "bootstrapping, which needs a bootstrapping key set; use model=linear");
      }
      throw new InvalidRequestException("model must be 'linear' (or 'logistic'): '"
          + (model == null ? "" : model.getValue()) + "'");
    }
    if (outcome == null || outcome.isEmpty()) {
      throw new InvalidRequestException("parameter 'outcome' is required: the Observation code to explain");
    }
    if (features == null || features.isEmpty()) {
      throw new InvalidRequestException("at least one 'feature' is required: the Observation codes that explain "
          + "the outcome");
    }
    boolean mean = aggregate != null && "mean".equals(aggregate.getValue());
    if (aggregate != null && !mean && !"latest".equals(aggregate.getValue())) {
      throw new InvalidRequestException("aggregate must be 'latest' or 'mean': '" + aggregate.getValue() + "'");
    }
    List<String> codes = new ArrayList<>();
    for (StringType feature : features) {
      codes.add(CohortQuery.unescape(feature.getValue()));
    }
    codes.add(CohortQuery.unescape(outcome.getValue()));
    String cohort = CohortQuery.parameters(request, OWN_PARAMETERS);

    // Per code, per patient: the values (latest first) the cohort search finds.
    List<Map<String, List<ValueLocation>>> perCode = new ArrayList<>();
    for (String code : codes) {
      perCode.add(valuesByPatient(code, cohort, mean));
    }
    List<String> patients = new ArrayList<>(perCode.get(0).keySet());
    for (Map<String, List<ValueLocation>> byPatient : perCode) {
      patients.retainAll(byPatient.keySet());
    }
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

    // Units of work: each packing group's ciphertext loaded, then alignment and the Gram matrix.
    OperationProgress progress = OperationProgress.of(request);
    progress.begin(distinctGroups(perCode) + 1);
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
    EncryptedGram gram;
    try {
      List<Ciphertext> aligned = new Gather(engine.analyticsEvaluator(), engine.encoder())
          .gather(sources, moves, codes.size());
      gram = new NormalEquations(engine.analyticsEvaluator())
          .compute(aligned.subList(0, codes.size() - 1), aligned.get(codes.size() - 1), patients.size());
    } catch (HeException | IllegalStateException e) {
      throw new UnprocessableEntityException("the regression cannot be computed on these ciphertexts: " + e.getMessage());
    }
    progress.advance();
    Parameters out = new Parameters();
    out.addParameter().setName("model").setValue(new CodeType("linear"));
    out.addParameter().setName("count").setValue(new IntegerType(patients.size()));
    out.addParameter().setName("keySet").setValue(new StringType(first.keySetId()));
    out.addParameter().setName("keySetVersion").setValue(new IntegerType(first.keySetVersion()));
    out.addParameter().setName("outcome").setValue(new StringType(codes.get(codes.size() - 1)));
    for (String feature : codes.subList(0, codes.size() - 1)) {
      out.addParameter().setName("feature").setValue(new StringType(feature));
    }
    out.addParameter().setName("columns").setValue(new IntegerType(gram.columns()));
    out.addParameter().setName("blockSize").setValue(new IntegerType(gram.blockSize()));
    out.addParameter().setName("blocksPerCiphertext").setValue(new IntegerType(gram.blocksPerCiphertext()));
    for (Ciphertext ct : gram.packed()) {
      out.addParameter().setName("gram").setValue(new Base64BinaryType(engine.codec().toBytes(ct)));
    }
    return out;
  }

  /** An upper bound of the packing groups to load: those of every value found (only the cohort's are loaded). */
  private static int distinctGroups(List<Map<String, List<ValueLocation>>> perCode) {
    return (int) perCode.stream().flatMap(byPatient -> byPatient.values().stream()).flatMap(List::stream)
        .map(ValueLocation::groupId).distinct().count();
  }

  /** Patient reference to that patient's values of {@code code}, latest effective date first. */
  private Map<String, List<ValueLocation>> valuesByPatient(String code, String cohort, boolean mean) {
    List<Observation> observations = search.search("code=" + CohortQuery.encode(code) + cohort);
    observations = new ArrayList<>(observations);
    observations.sort((a, b) -> effective(b).compareTo(effective(a)));
    Map<String, List<ValueLocation>> byPatient = new LinkedHashMap<>();
    for (Observation observation : observations) {
      if (!observation.hasValueQuantity() || !observation.getSubject().hasReference()) {
        continue;
      }
      ValueLocation location;
      try {
        location = EncryptedValueExtension.read(observation.getValueQuantity()).orElse(null);
      } catch (IllegalArgumentException e) {
        throw new InternalErrorException("Observation/" + observation.getIdElement().getIdPart()
            + " has a malformed encrypted value: " + e.getMessage(), e);
      }
      if (location != null) {
        byPatient.computeIfAbsent(observation.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue(),
            k -> new ArrayList<>()).add(location);
      }
    }
    return byPatient;
  }

  private static String effective(Observation observation) {
    if (observation.hasEffectiveDateTimeType() && observation.getEffectiveDateTimeType().getValueAsString() != null) {
      return observation.getEffectiveDateTimeType().getValueAsString();
    }
    return "";
  }
}
