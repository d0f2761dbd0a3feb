package org.homocloud.server.auth.resource;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.homocloud.server.auth.scope.GrantedScopes;
import org.homocloud.server.auth.scope.Permission;
import org.homocloud.server.auth.scope.SmartScope;

/**
 * Honours granular SMART scopes in searches ({@code patient/Observation.rs?category=laboratory}): when every
 * scope that allows the search carries restrictions on the same search parameter, that parameter is added to
 * the search (values joined as OR, and ANDed with what the client asked), so only permitted resources are found.
 * HAPI's rules then check each returned resource against the same filter.
 *
 * <p>Scopes restricting different parameters ({@code ?category=a} and {@code ?code=b}) would need an OR across
 * parameters, which a FHIR search cannot say; such a search is refused with 403 naming the scopes.
 */
@Interceptor
public final class GranularSearchNarrowing {

    /** Runs where HAPI's own SearchNarrowingInterceptor does: the operation is known, its parameters not yet read. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void narrow(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
            return;
        }
        GrantedScopes granted = BearerTokens.current().orElse(null);
        if (granted == null) {
            return;
        }
        List<SmartScope> searching = granted.granting(Permission.SEARCH, request.getResourceName());
        if (searching.isEmpty() || searching.stream().anyMatch(scope -> !scope.isRestricted())) {
            return;
        }
        Set<Set<String>> parameterSets = searching.stream()
                .map(scope -> scope.restrictions().keySet())
                .collect(Collectors.toSet());
        if (parameterSets.size() != 1) {
            throw new ForbiddenOperationException("insufficient_scope: the granular scopes "
                    + searching.stream().map(SmartScope::toV2String).toList()
                    + " restrict different search parameters and cannot be combined in one search; request one");
        }
        Map<String, String[]> parameters = new HashMap<>(request.getParameters());
        for (String name : parameterSets.iterator().next()) {
            String anyOf = searching.stream().map(scope -> scope.restrictions().get(name)).distinct()
                    .collect(Collectors.joining(","));
            String[] existing = parameters.getOrDefault(name, new String[0]);
            String[] narrowed = Arrays.copyOf(existing, existing.length + 1);
            narrowed[existing.length] = anyOf;
            parameters.put(name, narrowed);
        }
        request.setParameters(parameters);
    }
}
