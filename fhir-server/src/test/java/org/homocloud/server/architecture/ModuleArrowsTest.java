package org.homocloud.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module arrows pointing one way: he-engine -> he-interceptors -> fhir-server.
 *
 * <p>The engine must stay a plain library (no FHIR, Spring or HTTP) so it can be reviewed and reused on its
 * own; the server only wires things together and must not grow cryptography of its own, so every line of
 * crypto lives where its tests and precision checks are.
 */
class ModuleArrowsTest {

    private static final String ENGINE = "org.homocloud.he..";
    private static final String SERVER = "org.homocloud.server..";
    private static final String INTERCEPTORS = "org.homocloud.fhir..";

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.homocloud");
    }

    @Test
    void importSeesEngineAndServer_soTheRulesBelowAreNotVacuous() {
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.startsWith("org.homocloud.he."))
                .anyMatch(p -> p.startsWith("org.homocloud.server"));
    }

    @Test
    void engine_dependsOnNoFhirSpringOrServlet() {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "ca.uhn..", "org.hl7..", "org.springframework..", "jakarta.servlet..", "javax.servlet..")
                .because("he-engine is a plain CKKS library that knows nothing of FHIR, Spring or HTTP")
                .check(classes);
    }

    @Test
    void engine_dependsOnNothingAboveIt() {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage(SERVER, INTERCEPTORS)
                .because("module arrows run he-engine -> he-interceptors -> fhir-server, never back")
                .check(classes);
    }

    @Test
    void server_holdsNoCryptography() {
        noClasses().that().resideInAPackage(SERVER)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "javax.crypto..", "org.bouncycastle..", "org.homocloud.he.ring..", "org.homocloud.he.rlwe..")
                .because("fhir-server wires components; encryption lives in he-engine behind he-interceptors")
                .check(classes);
    }

    @Test
    void interceptors_doNotDependOnSpringBootOrServer() {
        noClasses().that().resideInAPackage(INTERCEPTORS)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.boot..", SERVER)
                .because("he-interceptors knows HAPI but not how the Spring Boot application wires it")
                .allowEmptyShould(true)
                .check(classes);
    }
}
