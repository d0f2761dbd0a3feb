package org.homocloud.server.auth.resource;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.homocloud.server.auth.scope.HomocloudScopes;

/**
 * Allows the encrypted aggregate operations on the Observation type, and the Observations those operations
 * load internally on the caller's behalf, without allowing any Observation to be read: the operation returns
 * only encrypted statistics, and the rule applies to nothing but a request for one of those operations.
 */
final class AggregateOperationRule implements IAuthRule {

    @Override
    public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input,
            IIdType inputId, IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
            Pointcut pointcut) {
        boolean aggregateRequest = operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
                && "Observation".equals(request.getResourceName())
                && HomocloudScopes.AGGREGATE_OPERATIONS.contains(request.getOperation());
        return aggregateRequest ? new Verdict(PolicyEnum.ALLOW, this) : null;
    }

    @Override
    public String getName() {
        return "aggregate scope: encrypted statistics on Observation";
    }
}
