package org.homocloud.server.auth.resource;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.List;
import org.homocloud.server.auth.scope.GrantedScopes;
import org.homocloud.server.auth.scope.Permission;
import org.homocloud.server.auth.scope.ScopeContext;
import org.homocloud.server.auth.scope.SmartScope;

/**
 * Narrows searches made under {@code patient/} scopes to the patient's compartment, so a search returns that
 * patient's resources instead of failing because other patients' resources matched too. Searches that some
 * {@code user/} or {@code system/} scope also allows are left as they are.
 */
public final class PatientCompartmentNarrowing extends SearchNarrowingInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        String type = request.getResourceName();
        if (type == null) {
            return null;
        }
        GrantedScopes granted = BearerTokens.current().orElse(null);
        if (granted == null || granted.patientId().isEmpty()) {
            return null;
        }
        List<SmartScope> searching = granted.granting(Permission.SEARCH, type);
        boolean patientOnly = !searching.isEmpty()
                && searching.stream().allMatch(scope -> scope.context() == ScopeContext.PATIENT);
        return patientOnly ? new AuthorizedList().addCompartment("Patient/" + granted.patientId().get()) : null;
    }
}
