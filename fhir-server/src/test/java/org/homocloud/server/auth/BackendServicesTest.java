package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.server.LocalCliClient;
import org.homocloud.server.auth.server.UserAccounts;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Discovery, the resource server's 401s, and SMART Backend Services with every refusal the spec names. */
class BackendServicesTest {

    @AfterAll
    static void releaseServer() {
        SecuredServer.release();
    }


    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final SecuredServer server = SecuredServer.get();

    @Test
    void smartConfiguration_underFhirBase_isJsonWithCors_andNamesEveryEndpoint() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.fhirBase() + "/.well-known/smart-configuration"))
                .header("Origin", "https://app.example.org").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        JsonNode document = JSON.readTree(response.body());
        assertThat(document.path("issuer").asText()).isEqualTo(server.origin());
        assertThat(document.path("token_endpoint").asText()).isEqualTo(server.tokenEndpoint());
        assertThat(document.path("authorization_endpoint").asText()).isEqualTo(server.origin() + "/oauth2/authorize");
        assertThat(document.path("jwks_uri").asText()).isEqualTo(server.origin() + "/oauth2/jwks");
        assertThat(document.path("introspection_endpoint").asText()).isEqualTo(server.origin() + "/oauth2/introspect");
        assertThat(document.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(document.path("grant_types_supported").toString()).contains("authorization_code", "client_credentials");
        assertThat(document.path("capabilities").toString()).contains("launch-standalone", "client-confidential-asymmetric", "permission-v2");
        assertThat(document.path("scopes_supported").toString()).contains("system/Observation.$encrypted-aggregate", "system/$homocloud-admin");
        assertThat(server.get(server.origin() + "/.well-known/smart-configuration", null).statusCode()).isEqualTo(200);
    }

    /** A SMART app on another origin: its preflight and its reads under /fhir get CORS headers, not only discovery. */
    @Test
    void fhirReads_fromAnotherOrigin_passCors() {
        String origin = "http://127.0.0.1:5173";
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient/1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,accept").build());
        HttpResponse<String> read = server.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient?_count=1"))
                .header("Origin", origin)
                .header("Authorization", "Bearer " + server.token("system/*.cruds")).GET().build());

        assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(read.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Content-Location");
    }

    @Test
    void openIdDiscovery_andJwks_publishTheSigningKey() throws Exception {
        JsonNode openid = JSON.readTree(server.get(server.origin() + "/.well-known/openid-configuration", null).body());
        JsonNode jwks = JSON.readTree(server.get(server.origin() + "/oauth2/jwks", null).body());

        assertThat(openid.path("issuer").asText()).isEqualTo(server.origin());
        assertThat(jwks.path("keys")).hasSizeGreaterThanOrEqualTo(1);
        assertThat(jwks.path("keys").get(0).has("d")).as("no private part is published").isFalse();
    }

    @Test
    void metadata_needsNoToken_andDeclaresSmartAndTheEncryptedScopes() {
        CapabilityStatement capabilities = org.homocloud.server.support.FhirClients.client(server.fhirBase()).capabilities().ofType(CapabilityStatement.class).execute();
        HttpResponse<String> anonymous = server.get(server.fhirBase() + "/metadata", null);

        assertThat(anonymous.statusCode()).isEqualTo(200);
        CapabilityStatement.CapabilityStatementRestSecurityComponent security = capabilities.getRestFirstRep().getSecurity();
        assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
        assertThat(security.getDescription()).contains("system/Observation.$encrypted-aggregate", "system/$homocloud-admin");
    }

    @Test
    void fhirRequest_withoutToken_is401WithWwwAuthenticate() {
        HttpResponse<String> response = server.get(server.fhirBase() + "/Patient", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    }

    @Test
    void fhirRequest_withTokenSignedByAnotherKey_is401InvalidToken() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(server.server.bean(
                org.homocloud.server.auth.server.SigningKeys.class).activeKey().getKeyID()).generate();
        String forged = BackendServicesTokenClient.sign(stranger, new JWTClaimsSet.Builder()
                .issuer(server.origin()).subject("x").claim("scope", "system/*.cruds")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());

        HttpResponse<String> response = server.get(server.fhirBase() + "/Patient", forged);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
    }

    @Test
    void cliClient_keyIsOwnerOnly_andItsTokenWorksThroughHapisGenericClient() throws Exception {
        Path key = server.dataDir.resolve("auth").resolve(LocalCliClient.KEY_FILE);
        BackendServicesTokenClient cli = server.cli();

        BackendServicesTokenClient.AccessToken token = cli.token("system/Patient.cruds");
        IdType created = (IdType) server.fhirClient(token.value()).create()
                .resource(TestResources.patient(TestResources.uniqueValue())).execute().getId();
        Patient read = server.fhirClient(token.value()).read().resource(Patient.class).withId(created.getIdPart()).execute();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(JWK.parse(Files.readString(key)).isPrivate()).isTrue();
        assertThat(token.scope()).isEqualTo("system/Patient.cruds");
        assertThat(token.response().get("token_type")).isEqualTo("Bearer");
        assertThat(read.getIdentifierFirstRep().getSystem()).isEqualTo(TestResources.IDENTIFIER_SYSTEM);
    }

    @Test
    void cliClient_defaultScopeIsItsRegistration_andTheInterceptorKeepsATokenOnEveryRequest() {
        BackendServicesTokenClient cli = server.cli();
        ca.uhn.fhir.rest.client.api.IGenericClient client = org.homocloud.server.support.FhirClients.client(server.fhirBase());
        client.registerInterceptor(cli.bearerInterceptor("system/Patient.rs"));

        org.hl7.fhir.r4.model.Bundle patients = client.search().forResource(Patient.class).count(1)
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();

        assertThat(cli.token().scope().split(" "))
                .containsExactlyInAnyOrder("system/*.cruds", "system/Observation.$encrypted-aggregate", "system/$homocloud-admin");
        assertThat(patients.getType()).isEqualTo(org.hl7.fhir.r4.model.Bundle.BundleType.SEARCHSET);
    }

    @Test
    void firstStart_createdAnAdminAccount_storedAsHashOnly() throws Exception {
        Path users = server.dataDir.resolve("auth").resolve(UserAccounts.FILE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
        assertThat(Files.readString(users)).contains("\"admin\"").contains("{bcrypt}");
    }

    @Test
    void es384Assertion_isAccepted_andTheTokenRespondsNoStore() throws Exception {
        HttpResponse<String> response = requestToken(SecuredServer.ES384_CLIENT, server.es384Key,
                assertionClaims(SecuredServer.ES384_CLIENT).build(), "system/Patient.rs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("scope").asText()).isEqualTo("system/Patient.rs");
        assertThat(body.path("expires_in").asLong()).isBetween(1L, 300L);
        assertThat(server.get(server.fhirBase() + "/Patient?_count=1", body.path("access_token").asText()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void rs384Assertion_isAccepted() throws Exception {
        HttpResponse<String> response = requestToken(SecuredServer.RS384_CLIENT, server.rs384Key,
                assertionClaims(SecuredServer.RS384_CLIENT).build(), "system/Observation.rs");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void badSignature_isInvalidClient() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(server.rs384Key.getKeyID()).algorithm(JWSAlgorithm.RS384).generate();

        assertRefused(requestToken(SecuredServer.RS384_CLIENT, impostor,
                assertionClaims(SecuredServer.RS384_CLIENT).build(), "system/Patient.rs"), 401, "invalid_client");
    }

    @Test
    void unknownKid_isInvalidClient() throws Exception {
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("no-such-key").algorithm(JWSAlgorithm.RS384).generate();

        assertRefused(requestToken(SecuredServer.RS384_CLIENT, unknown,
                assertionClaims(SecuredServer.RS384_CLIENT).build(), "system/Patient.rs"), 401, "invalid_client");
    }

    @Test
    void audienceOtherThanTokenEndpoint_isInvalidClient() throws Exception {
        JWTClaimsSet claims = assertionClaims(SecuredServer.ES384_CLIENT).audience(server.fhirBase()).build();

        assertRefused(requestToken(SecuredServer.ES384_CLIENT, server.es384Key, claims, "system/Patient.rs"),
                401, "invalid_client");
    }

    @Test
    void expiredAssertion_isInvalidClient() throws Exception {
        JWTClaimsSet claims = assertionClaims(SecuredServer.ES384_CLIENT)
                .expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(2)))).build();

        assertRefused(requestToken(SecuredServer.ES384_CLIENT, server.es384Key, claims, "system/Patient.rs"),
                401, "invalid_client");
    }

    @Test
    void expiryMoreThanFiveMinutesAhead_isInvalidClient() throws Exception {
        JWTClaimsSet claims = assertionClaims(SecuredServer.ES384_CLIENT)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))).build();

        assertRefused(requestToken(SecuredServer.ES384_CLIENT, server.es384Key, claims, "system/Patient.rs"),
                401, "invalid_client");
    }

    @Test
    void reusedJti_isInvalidClient_theSecondTime() throws Exception {
        JWTClaimsSet claims = assertionClaims(SecuredServer.ES384_CLIENT).build();

        HttpResponse<String> first = requestToken(SecuredServer.ES384_CLIENT, server.es384Key, claims, "system/Patient.rs");
        HttpResponse<String> replay = requestToken(SecuredServer.ES384_CLIENT, server.es384Key, claims, "system/Patient.rs");

        assertThat(first.statusCode()).isEqualTo(200);
        assertRefused(replay, 401, "invalid_client");
    }

    @Test
    void wrongAssertionType_isInvalidClient() throws Exception {
        Map<String, String> form = tokenForm(SecuredServer.ES384_CLIENT, server.es384Key,
                assertionClaims(SecuredServer.ES384_CLIENT).build(), "system/Patient.rs");
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer");

        assertRefused(server.postForm(server.tokenEndpoint(), form), 401, "invalid_client");
    }

    @Test
    void wrongGrantType_isUnsupportedGrantType() throws Exception {
        Map<String, String> form = tokenForm(SecuredServer.ES384_CLIENT, server.es384Key,
                assertionClaims(SecuredServer.ES384_CLIENT).build(), "system/Patient.rs");
        form.put("grant_type", "password");

        assertRefused(server.postForm(server.tokenEndpoint(), form), 400, "unsupported_grant_type");
    }

    @Test
    void grantTypeTheClientIsNotRegisteredFor_isUnauthorizedClient() throws Exception {
        Map<String, String> form = tokenForm(SecuredServer.ES384_CLIENT, server.es384Key,
                assertionClaims(SecuredServer.ES384_CLIENT).build(), "system/Patient.rs");
        form.put("grant_type", "authorization_code");
        form.put("code", "whatever");
        form.put("redirect_uri", SecuredServer.REDIRECT_URI);

        HttpResponse<String> response = server.postForm(server.tokenEndpoint(), form);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isIn("unauthorized_client", "invalid_grant");
    }

    @Test
    void scopeBeyondRegistration_isInvalidScope() throws Exception {
        assertRefused(requestToken(SecuredServer.RS384_CLIENT, server.rs384Key,
                assertionClaims(SecuredServer.RS384_CLIENT).build(), "system/Patient.cruds"), 400, "invalid_scope");
    }

    @Test
    void introspection_activeTokenShowsScope_inactiveRevealsNothingElse() throws Exception {
        String token = server.token("system/Patient.rs");
        BackendServicesTokenClient cli = server.cli();

        JsonNode active = JSON.readTree(introspect(cli, token).body());
        HttpResponse<String> inactiveResponse = introspect(cli, "not-a-token");
        JsonNode inactive = JSON.readTree(inactiveResponse.body());

        assertThat(active.path("active").asBoolean()).isTrue();
        assertThat(active.path("scope").asText()).isEqualTo("system/Patient.rs");
        assertThat(inactiveResponse.statusCode()).isEqualTo(200);
        assertThat(inactive.path("active").asBoolean()).isFalse();
        assertThat(inactive.size()).as("an inactive token reveals nothing but active=false").isEqualTo(1);
    }

    private HttpResponse<String> introspect(BackendServicesTokenClient cli, String token) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", cli.signAssertion());
        return server.postForm(server.origin() + "/oauth2/introspect", form);
    }

    private JWTClaimsSet.Builder assertionClaims(String clientId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(server.tokenEndpoint())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(4))))
                .jwtID(UUID.randomUUID().toString());
    }

    private Map<String, String> tokenForm(String clientId, JWK key, JWTClaimsSet claims, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", BackendServicesTokenClient.sign(key, claims));
        return form;
    }

    private HttpResponse<String> requestToken(String clientId, JWK key, JWTClaimsSet claims, String scope) {
        return server.postForm(server.tokenEndpoint(), tokenForm(clientId, key, claims, scope));
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo(error);
    }

    @Test
    void tokenClient_refusal_carriesTheOAuthError() {
        BackendServicesTokenClient cli = server.cli();

        assertThatThrownBy(() -> cli.token("system/Patient.cruds launch/unknown-scope-xyz"))
                .isInstanceOf(BackendServicesTokenClient.TokenRequestException.class)
                .satisfies(e -> assertThat(((BackendServicesTokenClient.TokenRequestException) e).error()).isEqualTo("invalid_scope"));
    }
}
