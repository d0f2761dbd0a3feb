package org.homocloud.he;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the engine's layers one way: ring -> rlwe -> ckks -> circuits -> bootstrap -> analytics. */
class LayeringTest {

  private static final JavaClasses ENGINE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.homocloud.he");

  @Test
  void ring_dependsOnNoHigherLayer() {
    noClasses().that().resideInAPackage("org.homocloud.he.ring..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.homocloud.he.rlwe..", "org.homocloud.he.ckks..", "org.homocloud.he.serialization..")
        .check(ENGINE);
  }

  @Test
  void rlwe_dependsOnNoHigherLayer() {
    noClasses().that().resideInAPackage("org.homocloud.he.rlwe..")
        .should().dependOnClassesThat().resideInAnyPackage("org.homocloud.he.ckks..", "org.homocloud.he.serialization..")
        .check(ENGINE);
  }

  @Test
  void ckks_dependsOnNoCircuitsBootstrapOrAnalytics() {
    noClasses().that().resideInAPackage("org.homocloud.he.ckks")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.homocloud.he.ckks.circuits..", "org.homocloud.he.ckks.bootstrap..", "org.homocloud.he.analytics..")
        .check(ENGINE);
  }

  @Test
  void analytics_isTheTopLayer_noEngineLayerBelowUsesIt() {
    noClasses().that().resideInAnyPackage("org.homocloud.he.ring..", "org.homocloud.he.rlwe..",
            "org.homocloud.he.ckks..", "org.homocloud.he.serialization..")
        .should().dependOnClassesThat().resideInAPackage("org.homocloud.he.analytics..")
        .check(ENGINE);
  }

  @Test
  void analytics_computesOnCiphertexts_withoutBenchmarksOrTheWireFormat() {
    noClasses().that().resideInAPackage("org.homocloud.he.analytics..")
        .should().dependOnClassesThat().resideInAnyPackage("org.homocloud.he.bench..", "org.homocloud.he.serialization..")
        .check(ENGINE);
  }

  @Test
  void engine_knowsNothingOfFhirSpringOrHttp() {
    noClasses().that().resideInAPackage("org.homocloud.he..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "ca.uhn..", "org.hl7..", "org.springframework..", "jakarta.servlet..", "java.net.http..")
        .check(ENGINE);
  }
}
