package org.homocloud.testdata.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.homocloud.he.analytics.LogisticReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticGeneratorTest {

  private final SyntheticGenerator generator = new SyntheticGenerator(42);

  @Test
  void sameSeed_sameData_andEveryPrefixIsTheSmallerCohort() {
    assertThat(new SyntheticGenerator(42).patients(50)).isEqualTo(generator.patients(50));
    assertThat(generator.patients(200).subList(0, 50)).isEqualTo(generator.patients(50));
    assertThat(new SyntheticGenerator(43).patients(50)).isNotEqualTo(generator.patients(50));
  }

  @Test
  void vitalsAndLabs_areCorrelatedAsDesigned_andPlausible() {
    FeatureMatrix m = FeatureMatrix.raw(generator.patients(5000), Feature.values().length);
    double glucoseHba1c = correlation(m.column(Feature.GLUCOSE.ordinal()), m.column(Feature.HBA1C.ordinal()));
    double systolicDiastolic = correlation(m.column(Feature.SYSTOLIC.ordinal()), m.column(Feature.DIASTOLIC.ordinal()));
    double bmiGlucose = correlation(m.column(Feature.BMI.ordinal()), m.column(Feature.GLUCOSE.ordinal()));
    double ageSystolic = correlation(m.column(Feature.AGE.ordinal()), m.column(Feature.SYSTOLIC.ordinal()));
    double bmiHdl = correlation(m.column(Feature.BMI.ordinal()), m.column(Feature.HDL.ordinal()));
    System.out.printf("correlations: glucose-HbA1c %.2f, systolic-diastolic %.2f, BMI-glucose %.2f, age-systolic %.2f,"
        + " BMI-HDL %.2f%n", glucoseHba1c, systolicDiastolic, bmiGlucose, ageSystolic, bmiHdl);
    assertThat(glucoseHba1c).isGreaterThan(0.6);
    assertThat(systolicDiastolic).isGreaterThan(0.4);
    assertThat(bmiGlucose).isGreaterThan(0.3);
    assertThat(ageSystolic).isGreaterThan(0.3);
    assertThat(bmiHdl).isLessThan(-0.2);
    double meanSystolic = java.util.Arrays.stream(m.column(Feature.SYSTOLIC.ordinal())).average().orElseThrow();
    assertThat(meanSystolic).isBetween(120.0, 135.0);
  }

  @Test
  void outcome_followsTheKnownLogisticModel() {
    FeatureMatrix m = FeatureMatrix.normalised(generator.patients(20000), Feature.values().length);
    double[] fitted = LogisticReference.newton(m.x(), m.y(), 25);
    double prevalence = java.util.Arrays.stream(m.y()).average().orElseThrow();
    System.out.printf("prevalence %.3f; fitted %s%ntrue   %s%n", prevalence, java.util.Arrays.toString(fitted),
        java.util.Arrays.toString(SyntheticGenerator.OUTCOME));
    assertThat(prevalence).isBetween(0.2, 0.6);
    // Glucose and HbA1c are strongly correlated, so single coefficients wander; the vector does not.
    double distance = 0;
    double norm = 0;
    for (int j = 0; j < fitted.length; j++) {
      distance += Math.pow(fitted[j] - SyntheticGenerator.OUTCOME[j], 2);
      norm += Math.pow(SyntheticGenerator.OUTCOME[j], 2);
    }
    double relative = Math.sqrt(distance / norm);
    System.out.printf("relative distance of the fitted coefficients from the true ones: %.3f%n", relative);
    assertThat(relative).isLessThan(0.25);
  }

  @Test
  void transactionBundle_hasLoincCodesUcumUnitsDatesAndStableIds() throws Exception {
    List<SyntheticPatient> patients = generator.patients(20);
    JsonNode bundle = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(
        new FhirWriter().transactionBundle(patients)));
    assertThat(bundle.get("type").asText()).isEqualTo("transaction");
    Set<String> codes = new HashSet<>();
    int conditions = 0;
    for (JsonNode entry : bundle.get("entry")) {
      JsonNode resource = entry.get("resource");
      assertThat(entry.at("/request/method").asText()).isEqualTo("PUT");
      assertThat(entry.get("fullUrl").asText()).startsWith("urn:uuid:");
      assertThat(entry.at("/request/url").asText())
          .isEqualTo(resource.get("resourceType").asText() + "/" + resource.get("id").asText());
      if (resource.get("resourceType").asText().equals("Observation")) {
        codes.add(resource.at("/code/coding/0/code").asText());
        assertThat(resource.at("/code/coding/0/system").asText()).isEqualTo(FhirWriter.LOINC);
        assertThat(resource.get("effectiveDateTime").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        JsonNode quantity = resource.has("valueQuantity") ? resource.get("valueQuantity")
            : resource.at("/component/0/valueQuantity");
        assertThat(quantity.get("system").asText()).isEqualTo(FhirWriter.UCUM);
        assertThat(quantity.get("value").isNumber()).isTrue();
      }
      if (resource.get("resourceType").asText().equals("Condition")) {
        conditions++;
      }
    }
    assertThat(codes).contains("85354-9", "39156-5", "2339-0", "4548-4", "2093-3", "2085-9", "8867-4");
    assertThat(conditions).isEqualTo((int) patients.stream().filter(SyntheticPatient::outcome).count());
    SyntheticPatient first = patients.get(0);
    JsonNode panel = bundle.get("entry").get(1).get("resource");
    assertThat(panel.at("/component/0/code/coding/0/code").asText()).isEqualTo("8480-6");
    assertThat(panel.at("/component/0/valueQuantity/value").asDouble()).isEqualTo(first.systolic());
    assertThat(panel.at("/subject/reference").asText()).isEqualTo("Patient/" + first.id());
  }

  @Test
  void ndjson_oneResourcePerLine_andMainWritesFiles(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    new FhirWriter().writeNdjson(generator.patients(3), out);
    String[] lines = out.toString().split("\n");
    assertThat(lines.length).isGreaterThanOrEqualTo(3 * 8);
    for (String line : lines) {
      assertThat(new ObjectMapper().readTree(line).has("resourceType")).isTrue();
    }
    SyntheticMain.main(new String[] {"--patients", "250", "--format", "bundle", "--out", dir.resolve("b").toString()});
    try (var files = Files.list(dir.resolve("b"))) {
      assertThat(files.count()).isEqualTo(3);
    }
    assertThatThrownBy(() -> SyntheticMain.main(new String[] {"--patients", "2", "--format", "xml", "--out", "x"}))
        .hasMessageContaining("ndjson or bundle");
  }

  private static double correlation(double[] a, double[] b) {
    double ma = java.util.Arrays.stream(a).average().orElseThrow();
    double mb = java.util.Arrays.stream(b).average().orElseThrow();
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
