package org.homocloud.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest interceptor called as HAPI's JPA layer calls it, on the SQLite store with INSECURE logN 10 keys. */
class ObservationEncryptionInterceptorTest {

  static final CkksParameters PARAMETERS = CkksPresets.insecureForTestingLogN10();

  @TempDir
  Path dir;

  SqliteCiphertextStore store;
  KeySetRegistry registry;
  ObservationEncryptionInterceptor interceptor;

  @BeforeEach
  void open() {
    store = new SqliteCiphertextStore(dir);
    registry = KeySetRegistry.allowingInsecureParametersForTesting(store);
    interceptor = new ObservationEncryptionInterceptor(registry, store, "team");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void values_areReplacedByExtensions_whoseCiphertextsDecryptToThem() {
    SecretKey sk = registerKeySet();
    Observation observation = observation(98.6);
    observation.addComponent().setValue(new Quantity().setValue(120).setUnit("mm[Hg]"));
    observation.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>98.6</div>");

    interceptor.beforeCreate(observation);

    assertThat(observation.hasText()).isFalse();
    assertThat(observation.getValueQuantity().getUnit()).isEqualTo("degF");
    assertDecryptsTo(sk, observation.getValueQuantity(), 98.6);
    assertDecryptsTo(sk, observation.getComponentFirstRep().getValueQuantity(), 120);
  }

  @Test
  void update_encryptsTheNewVersion() {
    SecretKey sk = registerKeySet();
    Observation updated = observation(37.2);

    interceptor.beforeUpdate(observation(36.0), updated);

    assertDecryptsTo(sk, updated.getValueQuantity(), 37.2);
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

  private SecretKey registerKeySet() {
    KeyGenerator generator = new KeyGenerator(PARAMETERS.rlwe());
    SecretKey sk = generator.generateSecretKey();
    registry.register("team", ParametersCodec.toBytes(PARAMETERS),
        new PublicKeyCodec(PARAMETERS).toBytes(generator.generatePublicKey(sk)),
        new ByteArrayInputStream(new EvaluationKeySetCodec(PARAMETERS).toBytes(new EvaluationKeySet(null, List.of()))));
    return sk;
  }

  private static Observation observation(double value) {
    Observation observation = new Observation();
    observation.setValue(new Quantity().setValue(value).setUnit("degF"));
    return observation;
  }

  private void assertDecryptsTo(SecretKey sk, Quantity quantity, double expected) {
    assertThat(quantity.getValue()).as("plaintext value").isNull();
    Extension encrypted = quantity.getValueElement().getExtensionByUrl(ObservationEncryptionInterceptor.EXTENSION_URL);
    assertThat(encrypted).isNotNull();
    assertThat(encrypted.getExtensionByUrl(ObservationEncryptionInterceptor.KEY_SET).getValue().primitiveValue())
        .isEqualTo("team");
    String blobId = encrypted.getExtensionByUrl(ObservationEncryptionInterceptor.BLOB).getValue().primitiveValue();
    byte[] bytes = store.get(blobId);
    double decrypted = new Encoder(PARAMETERS)
        .decodeReal(new Decryptor(sk).decrypt(new CiphertextCodec(PARAMETERS).fromBytes(bytes)))[0];
    PrecisionStats precision = PrecisionStats.of(new double[] {expected}, new double[] {decrypted});
    System.out.println("ingest " + expected + " -> " + decrypted + ": " + precision);
    assertThat(precision.minBits()).isGreaterThanOrEqualTo(20);
  }
}
