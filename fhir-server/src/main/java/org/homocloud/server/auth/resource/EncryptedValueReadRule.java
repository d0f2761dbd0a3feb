package org.homocloud.server.auth.resource;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.homocloud.server.auth.scope.HomocloudScopes;

/**
 * Treats {@code GET Observation/ID/$encrypted-value} as a read of that Observation: before the operation runs,
 * the Observation is loaded and put through the same read rules a {@code GET Observation/ID} would meet
 * (compartment, granular filter). The ciphertexts it returns are then as visible as the Observation itself.
 */
final class EncryptedValueReadRule implements IAuthRule {

    private final Function<IIdType, Optional<IBaseResource>> observations;

    /** @param observations loads an Observation by id without authorization checks, empty when there is none */
    EncryptedValueReadRule(Function<IIdType, Optional<IBaseResource>> observations) {
        this.observations = observations;
    }

    @Override
    public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input,
            IIdType inputId, IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
            Pointcut pointcut) {
        // The rule is asked again below with READ for the same request; it must abstain then.
        boolean encryptedValueRequest = operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                && "Observation".equals(request.getResourceName())
                && HomocloudScopes.ENCRYPTED_VALUE_OPERATION.equals(request.getOperation())
                && request.getId() != null;
        if (!encryptedValueRequest) {
            return null;
        }
        if (pointcut != Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED) {
            // Checked on the way in; what the operation loads and returns is this Observation's own data.
            return new Verdict(PolicyEnum.ALLOW, this);
        }
        Optional<IBaseResource> observation = observations.apply(request.getId().toUnqualifiedVersionless());
        if (observation.isEmpty()) {
            return null;
        }
        Verdict asRead = applier.applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null,
                request.getId(), observation.get(), Pointcut.SERVER_OUTGOING_RESPONSE);
        return asRead != null && asRead.getDecision() == PolicyEnum.ALLOW ? new Verdict(PolicyEnum.ALLOW, this) : asRead;
    }

    @Override
    public String getName() {
        return "$encrypted-value is a read of its Observation";
    }
}
