package org.homocloud.fhir.operations;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Finds the quantity a code names in an Observation: its own {@code valueQuantity} when the Observation has
 * that code, or the {@code valueQuantity} of the component that has it (systolic pressure 8480-6 is a component
 * of the blood-pressure panel 85354-9 in most EHRs, Synthea's among them, and a standalone Observation in
 * others). Codes are search tokens: {@code system|code}, or {@code code} in any system.
 */
final class CodedQuantity {

  private CodedQuantity() {
  }

  /** The Observation's value, or its component's, coded {@code token}; null if neither carries a quantity. */
  static Quantity of(Observation observation, String token) {
    if (matches(observation.getCode(), token) && observation.hasValueQuantity()) {
      return observation.getValueQuantity();
    }
    return ofComponent(observation, token);
  }

  /** The {@code valueQuantity} of the Observation's first component coded {@code token} that has one, or null. */
  static Quantity ofComponent(Observation observation, String token) {
    for (Observation.ObservationComponentComponent component : observation.getComponent()) {
      if (matches(component.getCode(), token) && component.hasValueQuantity()) {
        return component.getValueQuantity();
      }
    }
    return null;
  }

  /** Whether one of the concept's codings is {@code token}, as a FHIR token search would match it. */
  static boolean matches(CodeableConcept concept, String token) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String code = bar < 0 ? token : token.substring(bar + 1);
    for (Coding coding : concept.getCoding()) {
      if (code.equals(coding.getCode()) && (system == null || system.equals(coding.getSystem()))) {
        return true;
      }
    }
    return false;
  }
}
