package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.keys.KeySetException;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.HeException;
import org.homocloud.he.analytics.Cohort;
import org.homocloud.he.analytics.CohortStatistics;
import org.homocloud.he.analytics.EncryptedStatistics;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.analytics.Statistic;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code Observation/$encrypted-mean}: the mean (and on request sum, sum of squares, variance) of one
 * code's values over a cohort, computed on ciphertexts; the count is plaintext (the server knows which
 * records matched). The cohort is an ordinary Observation search: every request parameter other than the
 * operation's own ({@code code}, {@code component-code}, {@code statistic}, {@code groupBy}) is a search
 * parameter, e.g. {@code patient.gender=female}, {@code date=ge2020-01-01}, {@code subject=Group/7}.
 *
 * <p>Result: a {@code Parameters} with {@code count}, {@code keySet}, {@code keySetVersion}, {@code code},
 * {@code unit}, and one {@code statistic} per result, parts {@code name} (sum, mean, sumOfSquares,
 * variance), {@code group} (with {@code groupBy=month}, e.g. 2020-03) and its {@code count},
 * {@code ciphertext} (value in slot 0, at the ciphertext's own scale), {@code level}, {@code logScale}.
 * {@code patients} is the plaintext number of distinct subjects behind the values. A cohort (or group) with fewer
 * distinct patients than the minimum is refused with 422: counting values instead would let an aggregate-only
 * user ask for one patient's ten blood pressures and read that patient's mean.
 */
public final class EncryptedMeanProvider {

  private static final Set<String> OWN_PARAMETERS = Set.of("code", "component-code", "statistic", "groupBy");

  private final CohortSearch search;
  private final PackedValueReader values;
  private final KeySetEngines engines;
  private final int minimumCohort;

  public EncryptedMeanProvider(CohortSearch search, PackedValueReader values, KeySetEngines engines, int minimumCohort) {
    if (minimumCohort < 1) {
      throw new IllegalArgumentException("the minimum cohort size must be at least 1: " + minimumCohort);
    }
    this.search = search;
    this.values = values;
    this.engines = engines;
    this.minimumCohort = minimumCohort;
  }

  @Operation(name = "$encrypted-mean", typeName = "Observation", idempotent = true)
  public Parameters encryptedMean(
      @OperationParam(name = "code", min = 1, max = 1, typeName = "string") StringType code,
      @OperationParam(name = "component-code", max = 1, typeName = "string") StringType componentCode,
      @OperationParam(name = "statistic", typeName = "code") List<CodeType> statistics,
      @OperationParam(name = "groupBy", max = 1, typeName = "code") CodeType groupBy,
      RequestDetails request) {
    if (code == null || code.isEmpty()) {
      throw new InvalidRequestException("parameter 'code' is required: the Observation code to aggregate, e.g. "
          + "http://loinc.org|8480-6");
    }
    code.setValue(CohortQuery.unescape(code.getValue()));
    Set<Statistic> wanted = statistics(statistics);
    boolean byMonth = groupBy != null && !groupBy.isEmpty();
    if (byMonth && !"month".equals(groupBy.getValue())) {
      throw new InvalidRequestException("groupBy must be 'month' (of the effective date): '" + groupBy.getValue() + "'");
    }
    String component = componentCode == null ? null : CohortQuery.unescape(componentCode.getValue());
    String query = query(code.getValue(), component, request);
    List<Observation> observations = search.search(query);

    Map<String, List<Member>> groups = new TreeMap<>();
    Set<String> units = new LinkedHashSet<>();
    for (Observation observation : observations) {
      Quantity quantity = component == null ? observation.getValueQuantity() : CodedQuantity.ofComponent(observation, component);
      if (quantity == null) {
        continue;
      }
      ValueLocation location;
      try {
        location = EncryptedValueExtension.read(quantity).orElse(null);
      } catch (IllegalArgumentException e) {
        throw new InternalErrorException("Observation/" + observation.getIdElement().getIdPart()
            + " has a malformed encrypted value: " + e.getMessage(), e);
      }
      if (location == null) {
        continue;
      }
      units.add(quantity.hasCode() ? quantity.getCode() : quantity.getUnit());
      String key = byMonth ? month(observation) : "all";
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Member(location, contributor(observation)));
    }
    int count = groups.values().stream().mapToInt(List::size).sum();
    if (count == 0) {
      throw new UnprocessableEntityException("no encrypted value matches code " + code.getValue()
          + (component == null ? "" : " component " + component) + " in this cohort (search: Observation?" + query + ")");
    }
    if (units.size() > 1) {
      throw new UnprocessableEntityException("the matching values have different units " + units
          + ": narrow the search to one unit");
    }
    for (Map.Entry<String, List<Member>> group : groups.entrySet()) {
      long patients = patients(group.getValue());
      if (patients < minimumCohort) {
        throw new UnprocessableEntityException((byMonth ? "group " + group.getKey() + " has " : "the cohort has ")
            + group.getValue().size() + " value(s) from " + patients + " patient(s), fewer patients than the minimum of "
            + minimumCohort + ": widen the search" + (byMonth ? " or drop groupBy" : ""));
      }
    }
    long patients = patients(groups.values().stream().flatMap(List::stream).toList());
    return compute(groups, wanted, code.getValue(), units.iterator().next(), count, patients, byMonth,
        OperationProgress.of(request));
  }

  private Parameters compute(Map<String, List<Member>> groups, Set<Statistic> wanted, String code, String unit,
      int count, long patients, boolean byMonth, OperationProgress progress) {
    ValueLocation first = groups.values().iterator().next().get(0).location;
    for (List<Member> members : groups.values()) {
      for (Member member : members) {
        if (!member.location.keySetId().equals(first.keySetId())
            || member.location.keySetVersion() != first.keySetVersion()) {
          throw new UnprocessableEntityException("the matching values are encrypted under several key-set versions ("
              + first.keySetId() + " v" + first.keySetVersion() + ", " + member.location.keySetId() + " v"
              + member.location.keySetVersion() + "): narrow the search by date to one version");
        }
      }
    }
    KeySetEngine engine;
    try {
      engine = engines.version(first.keySetId(), first.keySetVersion());
    } catch (KeySetException e) {
      throw new InternalErrorException("key set of the stored values cannot be read: " + e.getMessage(), e);
    }
    // Units of work: each packing group's ciphertext loaded, then the statistics.
    progress.begin((int) groups.values().stream().flatMap(List::stream).map(m -> m.location.groupId()).distinct()
        .count() + 1);
    // One ciphertext per packing group involved, each value named by (index in that list, slot).
    Map<String, Integer> ciphertextIndex = new LinkedHashMap<>();
    List<Ciphertext> stored = new ArrayList<>();
    Map<String, Cohort> cohorts = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, List<Member>> group : groups.entrySet()) {
        List<SlotRef> refs = new ArrayList<>();
        for (Member member : group.getValue()) {
          Integer index = ciphertextIndex.get(member.location.groupId());
          if (index == null) {
            index = stored.size();
            stored.add(values.groupCiphertext(engine, member.location.groupId()));
            ciphertextIndex.put(member.location.groupId(), index);
            progress.advance();
          }
          refs.add(new SlotRef(index, member.location.slot()));
        }
        cohorts.put(group.getKey(), Cohort.of(refs));
      }
    } catch (CiphertextStoreException | IllegalArgumentException e) {
      throw new InternalErrorException("the stored ciphertexts cannot be read: " + e.getMessage(), e);
    }
    Map<String, EncryptedStatistics> results;
    try {
      CohortStatistics statistics = new CohortStatistics(engine.analyticsEvaluator(), engine.encoder());
      results = statistics.computeGrouped(stored, cohorts, wanted);
    } catch (HeException | IllegalStateException e) {
      throw new UnprocessableEntityException("the statistics cannot be computed on these ciphertexts: " + e.getMessage());
    }
    progress.advance();
    Parameters out = new Parameters();
    out.addParameter().setName("count").setValue(new IntegerType(count));
    out.addParameter().setName("patients").setValue(new IntegerType(Math.toIntExact(patients)));
    out.addParameter().setName("keySet").setValue(new StringType(first.keySetId()));
    out.addParameter().setName("keySetVersion").setValue(new IntegerType(first.keySetVersion()));
    out.addParameter().setName("code").setValue(new StringType(code));
    out.addParameter().setName("unit").setValue(new StringType(unit));
    for (Map.Entry<String, EncryptedStatistics> group : results.entrySet()) {
      for (Statistic statistic : wanted) {
        Ciphertext ct = group.getValue().get(statistic);
        Parameters.ParametersParameterComponent p = out.addParameter().setName("statistic");
        p.addPart().setName("name").setValue(new CodeType(name(statistic)));
        if (byMonth) {
          p.addPart().setName("group").setValue(new StringType(group.getKey()));
          p.addPart().setName("count").setValue(new IntegerType(group.getValue().count()));
        }
        p.addPart().setName("ciphertext").setValue(new Base64BinaryType(engine.codec().toBytes(ct)));
        p.addPart().setName("slot").setValue(new IntegerType(0));
        p.addPart().setName("level").setValue(new IntegerType(ct.level()));
        p.addPart().setName("logScale").setValue(new DecimalType(Math.log(ct.scale()) / Math.log(2)));
      }
    }
    return out;
  }

  /** The search: the code (as {@code code} or {@code component-code}) and every parameter that is not ours. */
  private static String query(String code, String component, RequestDetails request) {
    String codes = component == null ? "code=" + CohortQuery.encode(code)
        : "component-code=" + CohortQuery.encode(component) + "&code=" + CohortQuery.encode(code);
    return codes + CohortQuery.parameters(request, OWN_PARAMETERS);
  }

  private static Set<Statistic> statistics(List<CodeType> requested) {
    Set<Statistic> wanted = EnumSet.noneOf(Statistic.class);
    if (requested == null || requested.isEmpty()) {
      wanted.add(Statistic.MEAN);
      return wanted;
    }
    for (CodeType code : requested) {
      for (String name : CohortQuery.unescape(code.getValue()).split(",")) {
        wanted.add(switch (name.trim()) {
          case "sum" -> Statistic.SUM;
          case "mean" -> Statistic.MEAN;
          case "sumOfSquares" -> Statistic.SUM_OF_SQUARES;
          case "variance", "standardDeviation" -> Statistic.VARIANCE;
          default -> throw new InvalidRequestException("unknown statistic '" + name
              + "': use sum, mean, sumOfSquares or variance (the standard deviation is its square root, taken after "
              + "decryption)");
        });
      }
    }
    return wanted;
  }

  private static String name(Statistic statistic) {
    return switch (statistic) {
      case SUM -> "sum";
      case MEAN -> "mean";
      case SUM_OF_SQUARES -> "sumOfSquares";
      case VARIANCE -> "variance";
    };
  }

  private static String month(Observation observation) {
    if (observation.hasEffectiveDateTimeType() && observation.getEffectiveDateTimeType().getValueAsString() != null) {
      String value = observation.getEffectiveDateTimeType().getValueAsString();
      return value.length() >= 7 ? value.substring(0, 7) : value;
    }
    if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
      return observation.getEffectivePeriod().getStartElement().getValueAsString().substring(0, 7);
    }
    return "unknown";
  }

  /**
   * Who a value is about: the subject reference, or the Observation itself when it has none (an unattributed
   * value stands alone, so it can never make a cohort look larger than the records behind it).
   */
  private static String contributor(Observation observation) {
    if (observation.hasSubject() && observation.getSubject().hasReference()) {
      return observation.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue();
    }
    return "Observation/" + observation.getIdElement().getIdPart();
  }

  private static long patients(List<Member> members) {
    return members.stream().map(Member::contributor).distinct().count();
  }

  private record Member(ValueLocation location, String contributor) {}
}
