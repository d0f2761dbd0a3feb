package org.homocloud.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.PackingFixture;
import org.homocloud.fhir.packing.PackingGroup;
import org.homocloud.fhir.packing.ValueLocation;
import org.homocloud.he.ckks.PrecisionStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest interceptor called as HAPI's JPA layer calls it, on SQLite stores with INSECURE logN 10 keys. */
class ObservationEncryptionInterceptorTest {

  @TempDir
  Path dir;

  PackingFixture fixture;
  ObservationEncryptionInterceptor interceptor;

  @BeforeEach
  void open() {
    fixture = new PackingFixture(dir);
    interceptor = interceptor(true);
  }

  private ObservationEncryptionInterceptor interceptor(boolean plaintextIngest) {
    return new ObservationEncryptionInterceptor(fixture.engines, fixture.writer, fixture.index,
        new CodeUnitRegistry(fixture.dataSource), "team", plaintextIngest,
        ObservationEncryptionInterceptor.DEFAULT_STRIPPED_ELEMENTS);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void values_areReplacedByExtensions_whoseCiphertextsDecryptToThem() {
    registerKeySet();
    Observation observation = observation(98.6);
    observation.addComponent().setValue(new Quantity().setValue(120).setUnit("mm[Hg]"));
    observation.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>98.6</div>");
    observation.addInterpretation().setText("High");
    observation.addNote().setText("98.6 is fine");

    interceptor.beforeCreate(observation);

    assertThat(observation.hasText()).isFalse();
    assertThat(observation.hasInterpretation()).isFalse();
    assertThat(observation.hasNote()).isFalse();
    assertThat(observation.getValueQuantity().getUnit()).isEqualTo("degF");
    assertDecryptsTo(observation.getValueQuantity(), 98.6);
    assertDecryptsTo(observation.getComponentFirstRep().getValueQuantity(), 120);
  }

  @Test
  void aTransactionBundle_isEncryptedAsAWhole_intoOnePart() {
    registerKeySet();
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 30; i++) {
      bundle.addEntry().setResource(observation(60 + i)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    }
    bundle.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");

    interceptor.beforeTransaction(bundle);

    String group = EncryptedValueExtension.read(((Observation) bundle.getEntryFirstRep().getResource()).getValueQuantity())
        .orElseThrow().groupId();
    assertThat(fixture.index.parts(group)).as("one ciphertext for the whole Bundle").hasSize(1);
    for (int i = 0; i < 30; i++) {
      Observation o = (Observation) bundle.getEntry().get(i).getResource();
      assertDecryptsTo(o.getValueQuantity(), 60 + i);
      interceptor.beforeCreate(o); // HAPI then stores each entry: already encrypted, checked, left as is
      assertThat(o.getValueQuantity().getValue()).isNull();
    }
  }

  @Test
  void aUnitThatDiffersFromTheCodesFirstUnit_isRefusedWith422() {
    registerKeySet();
    interceptor.beforeCreate(glucose(5.4, "mmol/L"));
    Observation other = glucose(97, "mg/dL");

    assertThatThrownBy(() -> interceptor.beforeCreate(other))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("mg/dL").hasMessageContaining("mmol/L").hasMessageContaining("2339-0");
    assertThat(other.getValueQuantity().getValue()).isEqualByComparingTo("97");
    interceptor.beforeCreate(glucose(6.1, "mmol/L"));
  }

  @Test
  void unitsThatUcumConsidersEqual_areTheSameUnit() {
    registerKeySet();
    Observation egfr = glucose(60, "mL/min");
    egfr.getCode().getCodingFirstRep().setCode("33914-3");
    Observation annotated = glucose(58, "mL/min/{1.73_m2}");
    annotated.getCode().getCodingFirstRep().setCode("33914-3");
    Observation perSecond = glucose(1, "mL/s");
    perSecond.getCode().getCodingFirstRep().setCode("33914-3");

    interceptor.beforeCreate(egfr);
    interceptor.beforeCreate(annotated); // Synthea writes eGFR both ways; UCUM annotations are 1

    assertThatThrownBy(() -> interceptor.beforeCreate(perSecond)).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("'mL/s' does not match unit 'mL/min'");
  }

  @Test
  void clientEncryptedValues_mustNameAnExistingGroupAndSlot() {
    KeySetEngine engine = registerKeySet();
    Observation unknownGroup = new Observation();
    unknownGroup.setValue(new Quantity().setUnit("kg"));
    EncryptedValueExtension.replaceValue(unknownGroup.getValueQuantity(), new ValueLocation("team", 1, "c-nope", 0));
    assertThatThrownBy(() -> interceptor.beforeCreate(unknownGroup))
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("does not exist");

    fixture.index.insertGroup(new PackingGroup("c-imported", "team", 1, PackingGroup.Origin.CLIENT, 10, "c-imported.x"));
    Observation outside = new Observation();
    outside.setValue(new Quantity().setUnit("kg"));
    EncryptedValueExtension.replaceValue(outside.getValueQuantity(), new ValueLocation("team", 1, "c-imported", 10));
    assertThatThrownBy(() -> interceptor.beforeCreate(outside))
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("outside");

    Observation wrongVersion = new Observation();
    wrongVersion.setValue(new Quantity().setUnit("kg"));
    EncryptedValueExtension.replaceValue(wrongVersion.getValueQuantity(), new ValueLocation("team", 7, "c-imported", 1));
    assertThatThrownBy(() -> interceptor.beforeCreate(wrongVersion))
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("version 7");

    Observation fine = new Observation();
    fine.setValue(new Quantity().setUnit("kg"));
    EncryptedValueExtension.replaceValue(fine.getValueQuantity(), new ValueLocation("team", 1, "c-imported", 9));
    interceptor.beforeCreate(fine);
    assertThat(engine.version().version()).isEqualTo(1);
  }

  @Test
  void withPlaintextIngestOff_plaintextValuesAreRefused() {
    registerKeySet();
    Observation observation = observation(98.6);

    assertThatThrownBy(() -> interceptor(false).beforeCreate(observation))
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("client-side");
    assertThat(fixture.index.totals().parts()).isZero();
  }

  @Test
  void update_encryptsTheNewVersion() {
    registerKeySet();
    Observation updated = observation(37.2);

    interceptor.beforeUpdate(observation(36.0), updated);

    assertDecryptsTo(updated.getValueQuantity(), 37.2);
  }

  @Test
  void withoutAKeySet_valuesAreRefusedWith412_andLeftAsTheyWere() {
    Observation observation = observation(98.6);

    assertThatThrownBy(() -> interceptor.beforeCreate(observation))
        .isInstanceOf(PreconditionFailedException.class)
        .hasMessageContaining("no active key set 'team': upload one first");
    assertThat(observation.getValueQuantity().getValue()).isEqualByComparingTo("98.6");
  }

  @Test
  void hugeValues_areRefusedWith422_beforeAnyCiphertextIsWritten() {
    registerKeySet();
    Observation observation = observation(1.0);
    observation.addComponent().setValue(new Quantity().setValue(new BigDecimal("1e400")));

    assertThatThrownBy(() -> interceptor.beforeCreate(observation))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("cannot be encrypted");
    // The first, acceptable value was not encrypted either: checks run before any write.
    assertThat(observation.getValueQuantity().getValue()).isEqualByComparingTo("1.0");
    assertThat(observation.getValueQuantity().getValueElement().getExtension()).isEmpty();
    assertThat(fixture.index.totals().parts()).isZero();
  }

  @Test
  void otherResourcesAndValuelessObservations_areLeftAlone() {
    Patient patient = new Patient();
    patient.getText().setDivAsString("<div>kept</div>");
    Observation valueless = new Observation();
    valueless.getText().setDivAsString("<div>kept</div>");

    interceptor.beforeCreate(patient);
    interceptor.beforeCreate(valueless);

    assertThat(patient.hasText()).isTrue();
    assertThat(valueless.hasText()).isTrue();
  }

  @Test
  void valueSearches_areRefused_otherSearchesPass() {
    EncryptedValueSearchInterceptor search = new EncryptedValueSearchInterceptor();
    SystemRequestDetails byValue = new SystemRequestDetails();
    byValue.setParameters(Map.of("component-value-quantity:missing", new String[] {"false"}));
    SystemRequestDetails byCode = new SystemRequestDetails();
    byCode.setParameters(Map.of("code", new String[] {"29463-7"}));

    assertThatThrownBy(() -> search.refuseValueSearch(byValue, RestOperationTypeEnum.SEARCH_TYPE))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("stored encrypted");
    search.refuseValueSearch(byCode, RestOperationTypeEnum.SEARCH_TYPE);
    search.refuseValueSearch(byValue, RestOperationTypeEnum.READ);
    assertThat(EncryptedValueSearchInterceptor.namesValueParameter("_has:Observation:subject:value-quantity")).isTrue();
    assertThat(EncryptedValueSearchInterceptor.namesValueParameter("_has:Observation:subject:code")).isFalse();
    assertThat(EncryptedValueSearchInterceptor.namesValueParameter("combo-value-quantity")).isTrue();
    assertThat(EncryptedValueSearchInterceptor.namesValueParameter("value-concept")).isFalse();
  }

  private KeySetEngine registerKeySet() {
    return fixture.registerKeySet("team");
  }

  private static Observation observation(double value) {
    Observation observation = new Observation();
    observation.setValue(new Quantity().setValue(value).setUnit("degF"));
    return observation;
  }

  private static Observation glucose(double value, String unit) {
    Observation observation = new Observation();
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("2339-0");
    observation.setValue(new Quantity().setValue(value).setSystem("http://unitsofmeasure.org").setCode(unit).setUnit(unit));
    return observation;
  }

  private void assertDecryptsTo(Quantity quantity, double expected) {
    assertThat(quantity.getValue()).as("plaintext value").isNull();
    ValueLocation location = EncryptedValueExtension.read(quantity).orElseThrow();
    assertThat(location.keySetId()).isEqualTo("team");
    double decrypted = fixture.decrypt(location);
    PrecisionStats precision = PrecisionStats.of(new double[] {expected}, new double[] {decrypted});
    System.out.println("ingest " + expected + " -> " + decrypted + ": " + precision);
    assertThat(precision.minBits()).isGreaterThanOrEqualTo(20);
  }
}
