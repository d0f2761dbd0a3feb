package org.homocloud.server.auth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.fhir.RestfulServerConfig;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves SMART's discovery document, {@code /.well-known/smart-configuration}, both under the FHIR base (where
 * SMART clients look for it) and at the server root, as {@code application/json} readable from any origin.
 * It is a filter rather than a controller because HAPI's servlet owns every path under {@code /fhir}.
 */
public final class SmartConfigurationFilter extends OncePerRequestFilter {

    public static final String PATH = "/.well-known/smart-configuration";

    /** Scopes advertised in {@code scopes_supported}; narrower SMART scopes are accepted too. */
    public static final List<String> SCOPES_SUPPORTED = List.of(
            "openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
            "patient/*.cruds", "patient/*.rs", "patient/*.read",
            "user/*.cruds", "user/*.rs", "user/*.read",
            "system/*.cruds", "system/*.rs", "system/*.read",
            HomocloudScopes.AGGREGATE_USER, HomocloudScopes.AGGREGATE_SYSTEM,
            HomocloudScopes.ADMIN_USER, HomocloudScopes.ADMIN_SYSTEM);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<HttpServletRequest, String> issuer;

    /** @param issuer the authorization server's issuer URL as seen by the request */
    public SmartConfigurationFilter(Function<HttpServletRequest, String> issuer) {
        this.issuer = issuer;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.equals(PATH) && !path.equals(RestfulServerConfig.FHIR_PATH + PATH);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Access-Control-Allow-Origin", "*");
        if ("OPTIONS".equals(request.getMethod())) {
            response.setHeader("Access-Control-Allow-Methods", "GET, OPTIONS");
            response.setHeader("Access-Control-Allow-Headers", "*");
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        JSON.writerWithDefaultPrettyPrinter().writeValue(response.getOutputStream(), document(issuer.apply(request)));
    }

    static Map<String, Object> document(String issuer) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", issuer + "/oauth2/jwks");
        document.put("authorization_endpoint", issuer + "/oauth2/authorize");
        document.put("token_endpoint", issuer + "/oauth2/token");
        document.put("introspection_endpoint", issuer + "/oauth2/introspect");
        document.put("revocation_endpoint", issuer + "/oauth2/revoke");
        document.put("userinfo_endpoint", issuer + "/userinfo");
        document.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
        document.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "none"));
        document.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        document.put("response_types_supported", List.of("code"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("scopes_supported", SCOPES_SUPPORTED);
        document.put("capabilities", List.of(
                "launch-ehr", "launch-standalone", "client-public", "client-confidential-asymmetric",
                "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient",
                "context-banner", "sso-openid-connect", "permission-offline", "permission-online",
                "permission-patient", "permission-user", "permission-v1", "permission-v2"));
        return document;
    }
}
