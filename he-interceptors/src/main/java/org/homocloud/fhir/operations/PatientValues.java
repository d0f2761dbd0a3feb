package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.ingest.EncryptedValueExtension;
import org.homocloud.fhir.packing.ValueLocation;

/**
 * Per patient, where the encrypted values of one Observation code are stored, as a cohort search finds
 * them: the input both regression models align from. A code is found as an Observation's code or as a
 * component's ({@code combo-code}), so systolic pressure is one feature whether an EHR sends it alone or in a
 * blood-pressure panel; ingest keeps one unit per code either way.
 */
final class PatientValues {

  private PatientValues() {
  }

  /** Patient reference to that patient's values of {@code code}, latest effective date first. */
  static Map<String, List<ValueLocation>> byPatient(CohortSearch search, String code, String cohort) {
    List<Observation> observations = new ArrayList<>(search.search("combo-code=" + CohortQuery.encode(code) + cohort));
    observations.sort((a, b) -> effective(b).compareTo(effective(a)));
    Map<String, List<ValueLocation>> byPatient = new LinkedHashMap<>();
    for (Observation observation : observations) {
      Quantity quantity = CodedQuantity.of(observation, code);
      if (quantity == null || !observation.getSubject().hasReference()) {
        continue;
      }
      ValueLocation location;
      try {
        location = EncryptedValueExtension.read(quantity).orElse(null);
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
