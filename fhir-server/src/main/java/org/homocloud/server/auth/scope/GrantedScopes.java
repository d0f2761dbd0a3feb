package org.homocloud.server.auth.scope;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What one access token grants on the FHIR API: its resource scopes, the Homocloud operation scopes, and the
 * patient in context (the {@code patient} claim) that {@code patient/} scopes are confined to.
 */
public final class GrantedScopes {

    private final List<SmartScope> resourceScopes;
    private final boolean aggregate;
    private final boolean admin;
    private final String patientId;

    private GrantedScopes(List<SmartScope> resourceScopes, boolean aggregate, boolean admin, String patientId) {
        this.resourceScopes = List.copyOf(resourceScopes);
        this.aggregate = aggregate;
        this.admin = admin;
        this.patientId = patientId;
    }

    /**
     * Reads the scopes of a token; unknown scope strings are ignored, and {@code patient/} scopes are dropped
     * when the token names no patient, since they would otherwise have nothing to be confined to.
     */
    public static GrantedScopes of(Collection<String> scopes, String patientId) {
        String patient = patientId == null || patientId.isBlank() ? null : patientId;
        List<SmartScope> resources = new ArrayList<>();
        boolean aggregate = false;
        boolean admin = false;
        for (String scope : scopes) {
            aggregate |= HomocloudScopes.isAggregate(scope);
            admin |= HomocloudScopes.isAdmin(scope);
            SmartScope.parse(scope)
                    .filter(s -> s.context() != ScopeContext.PATIENT || patient != null)
                    .ifPresent(resources::add);
        }
        return new GrantedScopes(resources, aggregate, admin, patient);
    }

    public List<SmartScope> resourceScopes() {
        return resourceScopes;
    }

    /** The scopes that grant {@code permission} on {@code resourceType}. */
    public List<SmartScope> granting(Permission permission, String resourceType) {
        return resourceScopes.stream()
                .filter(s -> s.grants(permission) && s.appliesTo(resourceType))
                .toList();
    }

    public boolean allows(Permission permission, String resourceType) {
        return !granting(permission, resourceType).isEmpty();
    }

    public boolean allowsAggregates() {
        return aggregate;
    }

    public boolean allowsAdministration() {
        return admin;
    }

    public Optional<String> patientId() {
        return Optional.ofNullable(patientId);
    }
}
