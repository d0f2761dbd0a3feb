package org.homocloud.server.auth.scope;

import java.util.List;
import java.util.Set;

/**
 * Homocloud's own scopes for the encrypted operations, which SMART's resource scopes cannot express, and the
 * non-resource SMART scopes this server understands.
 *
 * <p>The aggregate scope lets a researcher run statistics over encrypted Observation values without reading
 * any Observation: it grants the type-level {@code $encrypted-*} aggregate operations and nothing else. The
 * administrative scope grants key-set upload and ciphertext import. Both take the {@code user/} or
 * {@code system/} prefix (a signed-in person or a Backend Services client); there is no {@code patient/}
 * form because an aggregate over one patient's compartment would be a record-level read.
 */
public final class HomocloudScopes {

    /** Grants {@code $encrypted-mean} and {@code $encrypted-regression} on Observation, no record reads. */
    public static final String AGGREGATE_SYSTEM = "system/Observation.$encrypted-aggregate";

    public static final String AGGREGATE_USER = "user/Observation.$encrypted-aggregate";

    /** Grants {@code $upload-key-set} and {@code $import-ciphertext}. */
    public static final String ADMIN_SYSTEM = "system/$homocloud-admin";

    public static final String ADMIN_USER = "user/$homocloud-admin";

    /** The operations the aggregate scope grants, on the Observation type. */
    public static final List<String> AGGREGATE_OPERATIONS = List.of("$encrypted-mean", "$encrypted-regression");

    /** The server-level operations the administrative scope grants. */
    public static final List<String> ADMIN_OPERATIONS = List.of("$upload-key-set", "$import-ciphertext");

    /** Instance operation on Observation that returns the ciphertexts of that Observation: a read of it. */
    public static final String ENCRYPTED_VALUE_OPERATION = "$encrypted-value";

    /** Server operation at the status URL of an asynchronous aggregate job (GET polls, DELETE cancels). */
    public static final String ASYNC_STATUS_OPERATION = "$async-status";

    /** Server operation describing registered key sets (public material); any valid token may call it. */
    public static final String KEY_SET_OPERATION = "$key-set";

    /** SMART's non-resource scopes that this server's authorization server understands. */
    public static final Set<String> SMART_NON_RESOURCE_SCOPES = Set.of(
            "openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter",
            "offline_access", "online_access");

    private HomocloudScopes() {}

    public static boolean isAggregate(String scope) {
        return AGGREGATE_SYSTEM.equals(scope) || AGGREGATE_USER.equals(scope);
    }

    public static boolean isAdmin(String scope) {
        return ADMIN_SYSTEM.equals(scope) || ADMIN_USER.equals(scope);
    }

    /** Whether the authorization server recognises {@code scope} at all (resource, Homocloud or SMART scope). */
    public static boolean isKnown(String scope) {
        return SmartScope.parse(scope).isPresent() || isAggregate(scope) || isAdmin(scope)
                || SMART_NON_RESOURCE_SCOPES.contains(scope);
    }
}
