package org.homocloud.testdata.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Synthetic patients as FHIR R4 JSON: a Patient (gender, birthDate), Observations with LOINC
 * codes and UCUM units on the effective date (a blood-pressure panel with systolic and
 * diastolic components, BMI, heart rate, glucose, HbA1c, total and HDL cholesterol), and a
 * Condition (SNOMED CT {@value #OUTCOME_SNOMED}) for patients with the outcome. Written as
 * transaction Bundles (PUT with stable ids, so loading twice changes nothing) or as NDJSON, one
 * resource per line, for bulk loads. Plain Jackson trees: a writer needs no FHIR model.
 */
public final class FhirWriter {

  public static final String LOINC = "http://loinc.org";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String SNOMED = "http://snomed.info/sct";
  /** "Disorder of cardiovascular system": the binary outcome as a Condition. */
  public static final String OUTCOME_SNOMED = "49601007";

  private final ObjectMapper mapper = new ObjectMapper();

  /** The resources of one patient, Patient first. */
  public List<ObjectNode> resources(SyntheticPatient p) {
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode patient = resource("Patient", p.id());
    patient.putArray("identifier").addObject().put("system", "urn:homocloud:synthetic").put("value", p.id());
    patient.put("gender", p.female() ? "female" : "male");
    patient.put("birthDate", p.birthDate().toString());
    out.add(patient);

    ObjectNode pressure = observation(p, "bp", Feature.BLOOD_PRESSURE_PANEL, "Blood pressure panel", "vital-signs");
    ArrayNode components = pressure.putArray("component");
    component(components, Feature.SYSTOLIC, p.systolic());
    component(components, Feature.DIASTOLIC, p.diastolic());
    out.add(pressure);
    out.add(simple(p, Feature.BMI, p.bmi(), "vital-signs"));
    out.add(simple(p, Feature.HEART_RATE, p.heartRate(), "vital-signs"));
    out.add(simple(p, Feature.GLUCOSE, p.glucose(), "laboratory"));
    out.add(simple(p, Feature.HBA1C, p.hba1c(), "laboratory"));
    out.add(simple(p, Feature.CHOLESTEROL, p.cholesterol(), "laboratory"));
    out.add(simple(p, Feature.HDL, p.hdl(), "laboratory"));

    if (p.outcome()) {
      ObjectNode condition = resource("Condition", p.id() + "-outcome");
      condition.putObject("clinicalStatus").putArray("coding").addObject()
          .put("system", "http://terminology.hl7.org/CodeSystem/condition-clinical").put("code", "active");
      coding(condition.putObject("code"), SNOMED, OUTCOME_SNOMED, "Disorder of cardiovascular system");
      condition.putObject("subject").put("reference", "Patient/" + p.id());
      condition.put("onsetDateTime", p.effectiveDate().toString());
      out.add(condition);
    }
    return out;
  }

  /** One transaction Bundle with every resource of these patients, each a PUT to its id. */
  public ObjectNode transactionBundle(List<SyntheticPatient> patients) {
    ObjectNode bundle = mapper.createObjectNode();
    bundle.put("resourceType", "Bundle");
    bundle.put("type", "transaction");
    ArrayNode entries = bundle.putArray("entry");
    for (SyntheticPatient p : patients) {
      for (ObjectNode resource : resources(p)) {
        String path = resource.get("resourceType").asText() + "/" + resource.get("id").asText();
        ObjectNode entry = entries.addObject();
        // A stable urn:uuid per resource: same patient, same entry, on every run.
        entry.put("fullUrl", "urn:uuid:" + UUID.nameUUIDFromBytes(path.getBytes(StandardCharsets.UTF_8)));
        entry.set("resource", resource);
        entry.putObject("request").put("method", "PUT").put("url", path);
      }
    }
    return bundle;
  }

  public void writeBundle(List<SyntheticPatient> patients, OutputStream out) throws IOException {
    mapper.writeValue(out, transactionBundle(patients));
  }

  /** NDJSON: every resource of these patients, one compact JSON object per line. */
  public void writeNdjson(List<SyntheticPatient> patients, Writer out) throws IOException {
    for (SyntheticPatient p : patients) {
      for (ObjectNode resource : resources(p)) {
        out.write(mapper.writeValueAsString(resource));
        out.write('\n');
      }
    }
    out.flush();
  }

  private ObjectNode resource(String type, String id) {
    ObjectNode r = mapper.createObjectNode();
    r.put("resourceType", type);
    r.put("id", id);
    return r;
  }

  private ObjectNode observation(SyntheticPatient p, String suffix, String loinc, String display, String category) {
    ObjectNode o = resource("Observation", p.id() + "-" + suffix);
    o.put("status", "final");
    ObjectNode categoryNode = o.putArray("category").addObject();
    coding(categoryNode, "http://terminology.hl7.org/CodeSystem/observation-category", category, null);
    coding(o.putObject("code"), LOINC, loinc, display);
    o.putObject("subject").put("reference", "Patient/" + p.id());
    o.put("effectiveDateTime", p.effectiveDate().toString());
    return o;
  }

  private ObjectNode simple(SyntheticPatient p, Feature feature, double value, String category) {
    ObjectNode o = observation(p, feature.loinc(), feature.loinc(), feature.display(), category);
    quantity(o.putObject("valueQuantity"), feature, value);
    return o;
  }

  private void component(ArrayNode components, Feature feature, double value) {
    ObjectNode c = components.addObject();
    coding(c.putObject("code"), LOINC, feature.loinc(), feature.display());
    quantity(c.putObject("valueQuantity"), feature, value);
  }

  private static void quantity(ObjectNode q, Feature feature, double value) {
    q.put("value", value);
    q.put("unit", feature.unit());
    q.put("system", UCUM);
    q.put("code", feature.unit());
  }

  private static void coding(ObjectNode codeable, String system, String code, String display) {
    ObjectNode coding = codeable.putArray("coding").addObject().put("system", system).put("code", code);
    if (display != null) {
      coding.put("display", display);
      codeable.put("text", display);
    }
  }
}
