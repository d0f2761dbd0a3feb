package org.homocloud.server.auth.resource;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Binary;
import org.homocloud.fhir.operations.ResultBinaries;
import org.homocloud.fhir.operations.async.Requesters;

/**
 * A Binary holding a large result ciphertext ({@link ResultBinaries}: tagged as a result, with its owner's digest)
 * belongs to the requester who asked for the result: that requester and administrators may read it (read, vread,
 * search, history), and nobody else may touch it, not even a client whose scopes grant Binary reads or writes
 * (those would otherwise reach every user's results). Placed before the scope rules, so its denial wins. For every
 * other resource it abstains. On the way in, a Binary read has no resource yet and is let through to the check on
 * the Binary itself as it leaves the server ({@link ScopeRules} refuses Binary reads earlier to tokens that can
 * neither read Binaries nor ask for results).
 */
final class ResultBinaryRule implements IAuthRule {

    private static final Set<RestOperationTypeEnum> READS = EnumSet.of(RestOperationTypeEnum.READ,
            RestOperationTypeEnum.VREAD, RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
            RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE,
            RestOperationTypeEnum.HISTORY_SYSTEM, RestOperationTypeEnum.GET_PAGE);

    private final Requesters requesters;

    ResultBinaryRule(Requesters requesters) {
        this.requesters = requesters;
    }

    /** Whether {@code operation} on {@code resourceType} reads one Binary by id. */
    static boolean isBinaryRead(RestOperationTypeEnum operation, String resourceType) {
        return "Binary".equals(resourceType)
                && (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD);
    }

    @Override
    public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input,
            IIdType inputId, IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
            Pointcut pointcut) {
        IBaseResource resource = output != null ? output : input;
        if (resource == null) {
            boolean incomingRead = pointcut == Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED
                    && isBinaryRead(operation, request.getResourceName());
            return incomingRead ? new Verdict(PolicyEnum.ALLOW, this) : null;
        }
        if (!(resource instanceof Binary binary)
                || binary.getMeta().getTag(ResultBinaries.RESULT_TAG_SYSTEM, ResultBinaries.RESULT_CODE) == null) {
            return null;
        }
        boolean owner = binary.getMeta().getTag(ResultBinaries.OWNER_TAG_SYSTEM,
                ResultBinaries.ownerCode(requesters.of(request))) != null;
        if (READS.contains(operation) && (owner || requesters.isAdministrator(request))) {
            return new Verdict(PolicyEnum.ALLOW, this);
        }
        return new Verdict(PolicyEnum.DENY, this);
    }

    @Override
    public String getName() {
        return "a result ciphertext belongs to the client that asked for it";
    }
}
