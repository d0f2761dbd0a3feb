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
import org.hl7.fhir.r4.model.Binary;
import org.homocloud.fhir.operations.ResultBinaries;
import org.homocloud.fhir.operations.async.Requesters;

/**
 * Lets the requester of an encrypted operation read the Binary its large result ciphertext was moved into, and no
 * one else but an administrator: the Binary carries its owner's digest as a tag ({@link ResultBinaries}). The
 * decision is taken on the Binary itself as it leaves the server; on the way in, the rule lets the read through
 * to that check. For any other Binary it abstains, and the token's own scopes decide.
 */
final class ResultBinaryReadRule implements IAuthRule {

    private final Requesters requesters;

    ResultBinaryReadRule(Requesters requesters) {
        this.requesters = requesters;
    }

    /** Whether {@code operation} on {@code resourceType} is a read this rule may allow. */
    static boolean isBinaryRead(RestOperationTypeEnum operation, String resourceType) {
        return "Binary".equals(resourceType)
                && (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD);
    }

    @Override
    public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input,
            IIdType inputId, IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
            Pointcut pointcut) {
        if (!isBinaryRead(operation, request.getResourceName())) {
            return null;
        }
        if (output == null) {
            return pointcut == Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED ? new Verdict(PolicyEnum.ALLOW, this) : null;
        }
        if (output instanceof Binary binary && binary.getMeta().getTag(ResultBinaries.RESULT_TAG_SYSTEM,
                ResultBinaries.RESULT_CODE) != null) {
            boolean owner = binary.getMeta().getTag(ResultBinaries.OWNER_TAG_SYSTEM,
                    ResultBinaries.ownerCode(requesters.of(request))) != null;
            if (owner || requesters.isAdministrator(request)) {
                return new Verdict(PolicyEnum.ALLOW, this);
            }
        }
        return null;
    }

    @Override
    public String getName() {
        return "the requester reads its own result ciphertexts";
    }
}
