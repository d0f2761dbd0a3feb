package org.homocloud.server.auth.resource;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.IdType;
import org.homocloud.server.auth.scope.GrantedScopes;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.auth.scope.Permission;
import org.homocloud.server.auth.scope.ScopeContext;
import org.homocloud.server.auth.scope.SmartScope;

/**
 * Turns the scopes of one token into HAPI authorization rules for one request.
 *
 * <p>HAPI's rules know read, write, create and delete, but not SMART's split of read and search; so a request
 * is first checked for the SMART letter its interaction needs on its resource type (a search needs {@code s},
 * a read {@code r}), and only then do the scopes that carry that letter become HAPI rules, which confine
 * {@code patient/} scopes to the patient's compartment and granular scopes to their search filter, checked
 * against every resource the request touches.
 */
public final class ScopeRules {

    private final IAuthRule encryptedValueRule;
    private final IAuthRule resultBinaryRule;

    /**
     * @param encryptedValueRule the rule that turns {@code $encrypted-value} into a read of its Observation
     * @param resultBinaryRule the rule that keeps the Binaries holding large results to their requesters
     */
    public ScopeRules(IAuthRule encryptedValueRule, IAuthRule resultBinaryRule) {
        this.encryptedValueRule = encryptedValueRule;
        this.resultBinaryRule = resultBinaryRule;
    }

    /** The SMART letter an interaction needs, if it is a plain FHIR interaction on one type. */
    public static Optional<Permission> permissionNeeded(RestOperationTypeEnum operation) {
        if (operation == null) {
            return Optional.empty();
        }
        return switch (operation) {
            case READ, VREAD, HISTORY_INSTANCE -> Optional.of(Permission.READ);
            case SEARCH_TYPE, HISTORY_TYPE -> Optional.of(Permission.SEARCH);
            case CREATE -> Optional.of(Permission.CREATE);
            case UPDATE, PATCH -> Optional.of(Permission.UPDATE);
            case DELETE -> Optional.of(Permission.DELETE);
            default -> Optional.empty();
        };
    }

    public List<IAuthRule> rulesFor(GrantedScopes granted, RestOperationTypeEnum operation, String resourceType) {
        List<IAuthRule> rules = new ArrayList<>(new RuleBuilder().allow("capability statement").metadata().build());
        Optional<Permission> needed = permissionNeeded(operation);
        boolean mayReadResults = granted.allowsAggregates() || granted.allowsAdministration();
        boolean resultRead = mayReadResults && ResultBinaryRule.isBinaryRead(operation, resourceType);
        if (needed.isPresent() && resourceType != null && !granted.allows(needed.get(), resourceType) && !resultRead) {
            rules.addAll(new RuleBuilder()
                    .denyAll("insufficient_scope: no scope grants '" + needed.get().letter() + "' on " + resourceType)
                    .build());
            return rules;
        }
        // The registered key sets are public material that every client needs to interpret ciphertexts.
        rules.addAll(new RuleBuilder().allow("key-set description").operation().named(HomocloudScopes.KEY_SET_OPERATION)
                .onServer().andAllowAllResponses().build());
        if (granted.allows(Permission.READ, "Observation")) {
            rules.add(encryptedValueRule);
        }
        if (granted.allowsAggregates()) {
            rules.add(new AggregateOperationRule());
        }
        // Large results are Binaries that only their requester reads, whatever Binary scopes a token holds.
        rules.add(resultBinaryRule);
        if (mayReadResults) {
            // The status URL of asynchronous aggregate jobs; it answers only the job's requester or an administrator.
            rules.addAll(new RuleBuilder().allow("asynchronous job status").operation()
                    .named(HomocloudScopes.ASYNC_STATUS_OPERATION).onServer().andAllowAllResponses().build());
        }
        if (granted.allowsAdministration()) {
            RuleBuilder admin = new RuleBuilder();
            for (String name : HomocloudScopes.ADMIN_OPERATIONS) {
                admin.allow("administrative scope: " + name).operation().named(name).onServer().andAllowAllResponses();
            }
            rules.addAll(admin.build());
        }
        RuleBuilder builder = new RuleBuilder();
        for (SmartScope scope : granted.resourceScopes()) {
            String name = "scope " + scope.toV2String();
            if (scope.grants(Permission.READ) || scope.grants(Permission.SEARCH)) {
                classify(builder.allow(name).read(), scope, granted);
            }
            if (scope.grants(Permission.CREATE)) {
                classify(builder.allow(name).create(), scope, granted);
            }
            if (scope.grants(Permission.UPDATE)) {
                classify(builder.allow(name).write(), scope, granted);
            }
            if (scope.grants(Permission.DELETE)) {
                classify(builder.allow(name).delete(), scope, granted);
            }
        }
        // Transactions and batches are checked entry by entry against the rules above.
        builder.allow("transaction entries checked one by one").transaction().withAnyOperation().andApplyNormalRules();
        builder.denyAll("insufficient_scope: no scope of this token allows this request");
        rules.addAll(builder.build());
        return rules;
    }

    private static void classify(IAuthRuleBuilderRuleOp op, SmartScope scope, GrantedScopes granted) {
        IAuthRuleBuilderRuleOpClassifier target = scope.resourceType().equals(SmartScope.ANY_TYPE)
                ? op.allResources()
                : op.resourcesOfType(scope.resourceType());
        String filter = filterOf(scope);
        if (scope.context() == ScopeContext.PATIENT) {
            IdType patient = new IdType("Patient", granted.patientId().orElseThrow());
            if (filter.isEmpty()) {
                target.inCompartment("Patient", patient).andThen();
            } else {
                target.inCompartmentWithFilter("Patient", patient, filter).andThen();
            }
        } else if (filter.isEmpty()) {
            target.withAnyId().andThen();
        } else {
            target.withFilter(filter).andThen();
        }
    }

    /** The scope's granular restrictions as a FHIR query string ({@code category=laboratory&code=...}). */
    static String filterOf(SmartScope scope) {
        return scope.restrictions().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }
}
