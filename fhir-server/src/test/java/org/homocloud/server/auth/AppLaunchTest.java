package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.server.UserAccounts;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** SMART App Launch: form login, PKCE, aud, launch context, patient compartment, refresh tokens, lock-out. */
class AppLaunchTest {

    @AfterAll
    static void releaseServer() {
        SecuredServer.release();
    }


    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery staple";

    private static SecuredServer server;
    private static String patientId;
    private static String otherPatientId;
    private static String ownObservationId;
    private static String otherObservationId;
    private static String username;

    @BeforeAll
    static void createPatientsAndUser() {
        server = SecuredServer.get();
        IGenericClient admin = server.fhirClient(server.token("system/*.cruds"));
        patientId = admin.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId().getIdPart();
        otherPatientId = admin.create().resource(TestResources.patient(TestResources.uniqueValue())).execute().getId().getIdPart();
        ownObservationId = admin.create().resource(TestResources.weight("Patient/" + patientId, 61.0, "2024-01-01"))
                .execute().getId().getIdPart();
        otherObservationId = admin.create().resource(TestResources.weight("Patient/" + otherPatientId, 82.0, "2024-01-01"))
                .execute().getId().getIdPart();
        username = "patient-" + UUID.randomUUID();
        server.server.bean(UserAccounts.class).add(username, PASSWORD, "Patient/" + patientId, patientId);
    }

    @Test
    void standaloneLaunch_patientUser_getsContextAndReadsOnlyOwnCompartment() throws Exception {
        Pkce pkce = new Pkce();
        String state = UUID.randomUUID().toString();

        Map<String, String> callback = authorizeWithLogin(SecuredServer.PUBLIC_APP,
                "launch/patient openid fhirUser patient/*.rs", pkce, state, Map.of());
        HttpResponse<String> response = exchangeCode(SecuredServer.PUBLIC_APP, callback.get("code"), pkce, false);

        assertThat(callback.get("state")).isEqualTo(state);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode token = JSON.readTree(response.body());
        assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.path("expires_in").asLong()).isPositive();
        assertThat(token.path("scope").asText()).contains("patient/*.rs", "launch/patient");
        assertThat(token.path("patient").asText()).isEqualTo(patientId);
        assertThat(token.path("need_patient_banner").asBoolean()).isTrue();
        assertThat(token.path("fhirUser").asText()).isEqualTo("Patient/" + patientId);
        assertThat(token.has("id_token")).isTrue();
        assertThat(token.has("refresh_token")).as("no offline_access asked for").isFalse();

        String accessToken = token.path("access_token").asText();
        assertThat(server.get(server.fhirBase() + "/Patient/" + patientId, accessToken).statusCode()).isEqualTo(200);
        assertThat(server.get(server.fhirBase() + "/Patient/" + otherPatientId, accessToken).statusCode()).isEqualTo(403);
        assertThat(server.get(server.fhirBase() + "/Observation/" + otherObservationId, accessToken).statusCode()).isEqualTo(403);
        Bundle observations = server.fhirClient(accessToken).search().forResource(Observation.class)
                .returnBundle(Bundle.class).execute();
        assertThat(observations.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(ownObservationId);
        assertThat(server.get(server.fhirBase() + "/Observation/" + ownObservationId + "/$encrypted-value", accessToken)
                .statusCode()).isEqualTo(200);
        assertThat(server.get(server.fhirBase() + "/Observation/" + otherObservationId + "/$encrypted-value", accessToken)
                .statusCode()).isEqualTo(403);
    }

    @Test
    void ehrLaunch_launchHandleBringsPatientAndEncounter() throws Exception {
        HttpResponse<String> minted = server.postFormWithToken(server.origin() + "/auth/launch",
                Map.of("patient", otherPatientId, "encounter", "encounter-7"), server.token("system/$homocloud-admin"));
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        String launch = JSON.readTree(minted.body()).path("launch").asText();
        Pkce pkce = new Pkce();

        Map<String, String> callback = authorizeWithLogin(SecuredServer.PUBLIC_APP, "launch openid fhirUser patient/*.rs",
                pkce, "s", Map.of("launch", launch));
        JsonNode token = JSON.readTree(exchangeCode(SecuredServer.PUBLIC_APP, callback.get("code"), pkce, false).body());

        assertThat(token.path("patient").asText()).isEqualTo(otherPatientId);
        assertThat(token.path("encounter").asText()).isEqualTo("encounter-7");
        assertThat(token.path("need_patient_banner").asBoolean()).isFalse();
    }

    @Test
    void launchHandles_needTheAdministrativeScope() {
        HttpResponse<String> withRecordScope = server.postFormWithToken(server.origin() + "/auth/launch",
                Map.of("patient", patientId), server.token("system/*.cruds"));
        HttpResponse<String> withoutToken = server.postFormWithToken(server.origin() + "/auth/launch",
                Map.of("patient", patientId), null);

        assertThat(withRecordScope.statusCode()).isEqualTo(403);
        assertThat(withoutToken.statusCode()).isEqualTo(401);
    }

    @Test
    void launchHandle_forAnIdThatIsNotAFhirId_isAnOAuthInvalidRequest() throws Exception {
        HttpResponse<String> minted = server.postFormWithToken(server.origin() + "/auth/launch",
                Map.of("patient", "Patient/" + patientId), server.token("system/$homocloud-admin"));

        assertThat(minted.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(minted.body()).path("error").asText()).isEqualTo("invalid_request");
        assertThat(JSON.readTree(minted.body()).path("error_description").asText()).contains("patient id");
    }

    @Test
    void unknownLaunchHandle_isRefused() {
        Map<String, String> parameters = authorizeParameters(SecuredServer.PUBLIC_APP, "launch patient/*.rs", new Pkce(), "s");
        parameters.put("launch", "made-up");

        assertRefusedBeforeLogin(parameters, "invalid_request");
    }

    @Test
    void authorize_withPlainPkce_isRefused() {
        Map<String, String> parameters = authorizeParameters(SecuredServer.PUBLIC_APP, "patient/*.rs", new Pkce(), "s");
        parameters.put("code_challenge_method", "plain");

        assertRefusedBeforeLogin(parameters, "invalid_request");
    }

    @Test
    void authorize_withoutPkce_isRefused() {
        Map<String, String> parameters = authorizeParameters(SecuredServer.PUBLIC_APP, "patient/*.rs", new Pkce(), "s");
        parameters.remove("code_challenge");
        parameters.remove("code_challenge_method");

        assertRefusedBeforeLogin(parameters, "invalid_request");
    }

    @Test
    void authorize_withAudienceOfAnotherServer_isRefused() {
        Map<String, String> parameters = authorizeParameters(SecuredServer.PUBLIC_APP, "patient/*.rs", new Pkce(), "s");
        parameters.put("aud", "https://other.example.org/fhir");

        assertRefusedBeforeLogin(parameters, "invalid_request");
    }

    @Test
    void authorize_withoutAudience_isRefused() {
        Map<String, String> parameters = authorizeParameters(SecuredServer.PUBLIC_APP, "patient/*.rs", new Pkce(), "s");
        parameters.remove("aud");

        assertRefusedBeforeLogin(parameters, "invalid_request");
    }

    @Test
    void authorize_withScopeBeyondRegistration_isRefused() {
        assertRefusedBeforeLogin(authorizeParameters(SecuredServer.PUBLIC_APP, "system/*.cruds", new Pkce(), "s"),
                "invalid_scope");
    }

    @Test
    void tokenExchange_withWrongVerifier_isInvalidGrant() throws Exception {
        Pkce pkce = new Pkce();
        Map<String, String> callback = authorizeWithLogin(SecuredServer.PUBLIC_APP, "patient/*.rs", pkce, "s", Map.of());

        HttpResponse<String> response = exchangeCode(SecuredServer.PUBLIC_APP, callback.get("code"), new Pkce(), false);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void offlineAccess_confidentialApp_getsRefreshToken_thatOnlyNarrows() throws Exception {
        Pkce pkce = new Pkce();
        Map<String, String> callback = authorizeWithLogin(SecuredServer.CONFIDENTIAL_APP,
                "launch/patient offline_access patient/*.rs", pkce, "s", Map.of());
        JsonNode token = JSON.readTree(exchangeCode(SecuredServer.CONFIDENTIAL_APP, callback.get("code"), pkce, true).body());
        String refreshToken = token.path("refresh_token").asText(null);

        HttpResponse<String> wider = refresh(refreshToken, "patient/*.cruds");
        HttpResponse<String> narrower = refresh(refreshToken, "patient/*.rs");
        HttpResponse<String> replayed = refresh(refreshToken, "patient/*.rs");

        assertThat(refreshToken).isNotNull();
        assertThat(narrower.statusCode()).as(narrower.body()).isEqualTo(200);
        JsonNode refreshed = JSON.readTree(narrower.body());
        assertThat(refreshed.path("scope").asText()).isEqualTo("patient/*.rs");
        assertThat(refreshed.path("patient").asText()).as("launch context survives a refresh").isEqualTo(patientId);
        assertThat(narrower.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(wider.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wider.body()).path("error").asText()).isEqualTo("invalid_scope");
        assertThat(refreshed.path("refresh_token").asText()).as("refresh tokens rotate").isNotEqualTo(refreshToken);
        assertThat(JSON.readTree(replayed.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void withoutOfflineOrOnlineAccess_noRefreshToken_evenForConfidentialApp() throws Exception {
        Pkce pkce = new Pkce();
        Map<String, String> callback = authorizeWithLogin(SecuredServer.CONFIDENTIAL_APP,
                "launch/patient patient/*.rs", pkce, "s", Map.of());
        JsonNode token = JSON.readTree(exchangeCode(SecuredServer.CONFIDENTIAL_APP, callback.get("code"), pkce, true).body());

        assertThat(token.has("access_token")).isTrue();
        assertThat(token.has("refresh_token")).isFalse();
    }

    @Test
    void repeatedWrongPasswords_lockTheAccount_evenAgainstTheRightOne() {
        String victim = "locked-" + UUID.randomUUID();
        server.server.bean(UserAccounts.class).add(victim, PASSWORD, "", "");
        BrowserSession browser = new BrowserSession(server.origin());

        for (int i = 0; i < 3; i++) {
            assertThat(BrowserSession.location(browser.login(victim, "wrong password " + i))).contains("/login?error");
        }
        HttpResponse<String> rightPasswordWhileLocked = browser.login(victim, PASSWORD);
        HttpResponse<String> otherUser = new BrowserSession(server.origin()).login(username, PASSWORD);

        assertThat(BrowserSession.location(rightPasswordWhileLocked)).contains("/login?error");
        assertThat(BrowserSession.location(otherUser)).doesNotContain("error");
    }

    private void assertRefusedBeforeLogin(Map<String, String> parameters, String error) {
        HttpResponse<String> response = new BrowserSession(server.origin()).get("/oauth2/authorize?" + query(parameters));

        String where = response.statusCode() == 302 ? BrowserSession.location(response) : response.body();
        assertThat(response.statusCode()).as(where).isIn(302, 400);
        assertThat(where).doesNotContain("/login").contains(error);
    }

    private Map<String, String> authorizeWithLogin(
            String clientId, String scope, Pkce pkce, String state, Map<String, String> extra) {
        BrowserSession browser = new BrowserSession(server.origin());
        Map<String, String> parameters = authorizeParameters(clientId, scope, pkce, state);
        parameters.putAll(extra);
        HttpResponse<String> toLogin = browser.get("/oauth2/authorize?" + query(parameters));
        assertThat(BrowserSession.location(toLogin)).contains("/login");
        HttpResponse<String> afterLogin = browser.login(username, PASSWORD);
        String next = BrowserSession.location(afterLogin);
        assertThat(next).contains("/oauth2/authorize");
        String redirect = BrowserSession.location(browser.get(next));
        assertThat(redirect).startsWith(SecuredServer.REDIRECT_URI);
        return Arrays.stream(URI.create(redirect).getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private Map<String, String> authorizeParameters(String clientId, String scope, Pkce pkce, String state) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", SecuredServer.REDIRECT_URI);
        parameters.put("scope", scope);
        parameters.put("state", state);
        parameters.put("aud", server.fhirBase());
        parameters.put("code_challenge", pkce.challenge);
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    private HttpResponse<String> exchangeCode(String clientId, String code, Pkce pkce, boolean confidential) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", SecuredServer.REDIRECT_URI);
        form.put("client_id", clientId);
        form.put("code_verifier", pkce.verifier);
        if (confidential) {
            addAppAssertion(form);
        }
        return server.postForm(server.tokenEndpoint(), form);
    }

    private HttpResponse<String> refresh(String refreshToken, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("scope", scope);
        form.put("client_id", SecuredServer.CONFIDENTIAL_APP);
        addAppAssertion(form);
        return server.postForm(server.tokenEndpoint(), form);
    }

    private void addAppAssertion(Map<String, String> form) {
        Instant now = Instant.now();
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", BackendServicesTokenClient.sign(server.appKey, new JWTClaimsSet.Builder()
                .issuer(SecuredServer.CONFIDENTIAL_APP).subject(SecuredServer.CONFIDENTIAL_APP)
                .audience(server.tokenEndpoint()).jwtID(UUID.randomUUID().toString())
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(2)))).build()));
    }

    private static String query(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A PKCE verifier and its S256 challenge. */
    private static final class Pkce {
        final String verifier;
        final String challenge;

        Pkce() {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
