package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.homocloud.server.auth.scope.GrantedScopes;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.auth.scope.Permission;
import org.homocloud.server.auth.scope.ScopeContext;
import org.homocloud.server.auth.scope.SmartScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SmartScopeTest {

    @Test
    void v2_lettersBecomePermissions() {
        SmartScope scope = SmartScope.parse("patient/Observation.rs").orElseThrow();

        assertThat(scope.context()).isEqualTo(ScopeContext.PATIENT);
        assertThat(scope.resourceType()).isEqualTo("Observation");
        assertThat(scope.permissions()).containsExactly(Permission.READ, Permission.SEARCH);
        assertThat(scope.restrictions()).isEmpty();
    }

    @Test
    void v2_allLettersOnAllTypes() {
        SmartScope scope = SmartScope.parse("user/*.cruds").orElseThrow();

        assertThat(scope.context()).isEqualTo(ScopeContext.USER);
        assertThat(scope.appliesTo("Patient")).isTrue();
        assertThat(scope.permissions()).isEqualTo(EnumSet.allOf(Permission.class));
    }

    @Test
    void v2_granularRestrictionsAreKept() {
        SmartScope scope = SmartScope.parse(
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory")
                .orElseThrow();

        assertThat(scope.restrictions()).containsExactly(Map.entry(
                "category", "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"));
        assertThat(scope.toV2String()).endsWith("?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
    }

    @Test
    void v1_suffixesMapToV2Letters() {
        assertThat(SmartScope.parse("patient/Observation.read").orElseThrow().permissions())
                .containsExactly(Permission.READ, Permission.SEARCH);
        assertThat(SmartScope.parse("user/Patient.write").orElseThrow().permissions())
                .containsExactly(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
        assertThat(SmartScope.parse("system/*.*").orElseThrow().permissions())
                .isEqualTo(EnumSet.allOf(Permission.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "patient/Observation.sr", "patient/Observation.rr", "patient/Observation.x", "doctor/Observation.rs",
        "patient/observation.rs", "patient/Observation.read?category=x", "openid", "launch/patient",
        "patient/Observation.rs?", "patient/Observation.rs?category", HomocloudScopes.AGGREGATE_SYSTEM})
    void notResourceScopes_areNotParsed(String scope) {
        assertThat(SmartScope.parse(scope)).isEmpty();
    }

    @Test
    void narrowing_typeLettersAndRestrictions() {
        SmartScope broad = SmartScope.parse("patient/*.cruds").orElseThrow();
        SmartScope narrow = SmartScope.parse("patient/Observation.rs?category=laboratory").orElseThrow();

        assertThat(narrow.isNarrowerThanOrEqualTo(broad)).isTrue();
        assertThat(broad.isNarrowerThanOrEqualTo(narrow)).isFalse();
        assertThat(narrow.isNarrowerThanOrEqualTo(SmartScope.parse("user/*.cruds").orElseThrow())).isFalse();
    }

    @Test
    void granted_patientScopesWithoutPatient_grantNothing() {
        GrantedScopes withoutPatient = GrantedScopes.of(List.of("patient/Observation.rs"), null);
        GrantedScopes withPatient = GrantedScopes.of(List.of("patient/Observation.rs"), "123");

        assertThat(withoutPatient.allows(Permission.READ, "Observation")).isFalse();
        assertThat(withPatient.allows(Permission.READ, "Observation")).isTrue();
        assertThat(withPatient.allows(Permission.CREATE, "Observation")).isFalse();
    }

    @Test
    void granted_homocloudScopes() {
        GrantedScopes aggregate = GrantedScopes.of(List.of(HomocloudScopes.AGGREGATE_SYSTEM), null);

        assertThat(aggregate.allowsAggregates()).isTrue();
        assertThat(aggregate.allowsAdministration()).isFalse();
        assertThat(aggregate.allows(Permission.READ, "Observation")).isFalse();
        assertThat(GrantedScopes.of(List.of(HomocloudScopes.ADMIN_USER), null).allowsAdministration()).isTrue();
    }
}
