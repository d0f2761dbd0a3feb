package org.homocloud.server.auth.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.homocloud.server.auth.resource.BearerTokens;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /auth/launch?patient=ID[&encounter=ID]}: the EHR side of an EHR launch. An EHR (a client holding
 * the administrative scope) mints a launch handle for the patient it has open and passes it to the app as
 * {@code launch}; the app's token then carries that patient. Only the administrative scope may do this, since a
 * handle puts any patient in context.
 */
@RestController
@ConditionalOnExpression(AuthorizationServerConfig.EMBEDDED)
public class LaunchController {

    public static final String PATH = "/auth/launch";

    private final LaunchContexts launches;

    public LaunchController(LaunchContexts launches) {
        this.launches = launches;
    }

    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, String>> mint(
            @RequestParam String patient, @RequestParam(required = false) String encounter, Authentication caller) {
        if (!(caller instanceof JwtAuthenticationToken token) || !BearerTokens.grantsOf(token.getToken()).allowsAdministration()) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Map.of("error", "insufficient_scope", "error_description", "needs system/$homocloud-admin"));
        }
        String launch;
        try {
            launch = launches.create(patient, encounter);
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request", "error_description", e.getMessage()));
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("launch", launch);
        body.put("patient", patient);
        if (encounter != null) {
            body.put("encounter", encounter);
        }
        return ResponseEntity.ok(body);
    }
}
