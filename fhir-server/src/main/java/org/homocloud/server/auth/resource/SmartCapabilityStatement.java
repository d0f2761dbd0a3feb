package org.homocloud.server.auth.resource;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.function.Function;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.homocloud.server.auth.scope.HomocloudScopes;

/**
 * Declares in the CapabilityStatement that the server is protected by SMART on FHIR: the {@code SMART-on-FHIR}
 * security service, the OAuth endpoints (the {@code oauth-uris} extension) and, in the security description,
 * the scopes that grant the encrypted operations.
 */
@Interceptor
public final class SmartCapabilityStatement {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private final Function<HttpServletRequest, String> issuer;

    public SmartCapabilityStatement(Function<HttpServletRequest, String> issuer) {
        this.issuer = issuer;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declareSecurity(IBaseConformance conformance, RequestDetails request) {
        if (!(conformance instanceof CapabilityStatement capabilities) || capabilities.getRest().isEmpty()
                || !(request instanceof ServletRequestDetails servlet)) {
            return;
        }
        String base = issuer.apply(servlet.getServletRequest());
        CapabilityStatement.CapabilityStatementRestSecurityComponent security = capabilities.getRestFirstRep().getSecurity();
        security.setCors(true);
        security.addService(new CodeableConcept().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
        Extension uris = security.addExtension().setUrl(OAUTH_URIS);
        uris.addExtension("authorize", new UriType(base + "/oauth2/authorize"));
        uris.addExtension("token", new UriType(base + "/oauth2/token"));
        uris.addExtension("introspect", new UriType(base + "/oauth2/introspect"));
        uris.addExtension("revoke", new UriType(base + "/oauth2/revoke"));
        security.setDescription("SMART on FHIR (App Launch 2 and Backend Services); discovery at "
                + "[base]/.well-known/smart-configuration. Resource scopes v2 (patient/Observation.rs, user/*.cruds, "
                + "granular ?code= and ?category=) and v1 (.read, .write, .*). "
                + HomocloudScopes.AGGREGATE_SYSTEM + " (or " + HomocloudScopes.AGGREGATE_USER + ") grants "
                + String.join(" and ", HomocloudScopes.AGGREGATE_OPERATIONS)
                + " on Observation without reading any Observation. "
                + HomocloudScopes.ADMIN_SYSTEM + " (or " + HomocloudScopes.ADMIN_USER + ") grants "
                + String.join(" and ", HomocloudScopes.ADMIN_OPERATIONS) + ". "
                + "Observation/[id]/" + HomocloudScopes.ENCRYPTED_VALUE_OPERATION
                + " is allowed exactly when reading that Observation is.");
    }
}
