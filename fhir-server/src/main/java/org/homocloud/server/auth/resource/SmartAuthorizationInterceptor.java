package org.homocloud.server.auth.resource;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;

/**
 * HAPI's AuthorizationInterceptor with rules built from the SMART scopes of the request's bearer token
 * ({@link ScopeRules}); whatever no rule allows is refused with 403 and an OperationOutcome.
 */
public final class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

    private final ScopeRules scopeRules;

    public SmartAuthorizationInterceptor(ScopeRules scopeRules) {
        super(PolicyEnum.DENY);
        this.scopeRules = scopeRules;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        return BearerTokens.current()
                .map(granted -> scopeRules.rulesFor(granted, request.getRestOperationType(), request.getResourceName()))
                .orElseGet(() -> new RuleBuilder()
                        .allow("capability statement").metadata().andThen()
                        .denyAll("no bearer token")
                        .build());
    }
}
