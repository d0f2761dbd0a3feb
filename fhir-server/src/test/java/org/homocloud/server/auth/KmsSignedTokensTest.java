package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestResources;
import org.homocloud.testing.kms.FakeKms;
import org.homocloud.testing.kms.FakeKmsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The embedded authorization server signing with an AWS KMS ECC_NIST_P384 key ({@code
 * homocloud.security.signing.kms-key-id}, against the loopback {@link FakeKms} through the real SDK): tokens are
 * ES384 under the KMS key's kid, the FHIR endpoint accepts them, the JWKS publishes exactly the KMS public key,
 * a token signed by any other key is refused, and discovery still works.
 */
class KmsSignedTokensTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeKms fake;
    private static KmsClient kms;
    private static String keyArn;
    private static Path dataDir;
    private static RunningServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fake = FakeKms.start();
        kms = FakeKmsClients.client(fake);
        keyArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P384).keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("homocloud token signing")).keyMetadata().arn();
        // The server's KMS client takes the SDK's default credential chain; system properties come first in it.
        System.setProperty("aws.accessKeyId", FakeKms.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", FakeKms.SECRET_ACCESS_KEY);
        dataDir = Files.createTempDirectory("homocloud-kms-auth-test-");
        server = RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.enabled=false",
                "homocloud.security.signing.kms-key-id=" + keyArn,
                "homocloud.security.signing.kms-endpoint=" + fake.endpoint());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        FileSystemUtils.deleteRecursively(dataDir.toFile());
        kms.close();
        fake.close();
    }

    private static String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String expectedKid() {
        return "kms-" + keyArn.substring(keyArn.lastIndexOf('/') + 1);
    }

    @Test
    void accessToken_isES384SignedByKms_andAFhirRequestWithItSucceeds() throws Exception {
        int signs = fake.calls("Sign");

        String token = BackendServicesTokenClient.forLocalServer(dataDir, server.baseUrl()).token("system/Patient.cruds").value();

        assertThat(fake.calls("Sign") - signs).as("one KMS Sign per token").isEqualTo(1);
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(expectedKid());
        ECPublicKey kmsPublic = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray()));
        assertThat(jwt.verify(new ECDSAVerifier(kmsPublic))).as("verifies with KMS's public key").isTrue();

        String id = TestResources.uniqueValue();
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Patient"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                        + "\"urn:test\",\"value\":\"" + id + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> search = get(server.baseUrl() + "/Patient?identifier=urn:test%7C" + id, token);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(JSON.readTree(search.body()).path("total").asInt()).isEqualTo(1);
        assertThat(dataDir.resolve("auth").resolve("signing-keys.jwks.json")).as("no local signing key is made").doesNotExist();
    }

    @Test
    void jwks_publishesExactlyTheKmsPublicKey_andDiscoveryStillWorks() throws Exception {
        JsonNode jwks = JSON.readTree(get(origin() + "/oauth2/jwks", null).body());
        JsonNode openid = JSON.readTree(get(origin() + "/.well-known/openid-configuration", null).body());
        HttpResponse<String> smart = get(server.baseUrl() + "/.well-known/smart-configuration", null);

        assertThat(jwks.path("keys")).hasSize(1);
        ECKey published = ECKey.parse(jwks.path("keys").get(0).toString());
        ECPublicKey kmsPublic = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray()));
        assertThat(published.getKeyID()).isEqualTo(expectedKid());
        assertThat(published.getCurve()).isEqualTo(Curve.P_384);
        assertThat(published.isPrivate()).isFalse();
        assertThat(published.toECPublicKey().getW()).isEqualTo(kmsPublic.getW());
        assertThat(openid.path("jwks_uri").asText()).isEqualTo(origin() + "/oauth2/jwks");
        assertThat(openid.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"ES384\"]");
        assertThat(smart.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(smart.body()).path("token_endpoint").asText()).isEqualTo(origin() + "/oauth2/token");
    }

    @Test
    void tokensSignedByAnyOtherKey_evenUnderTheKmsKid_are401() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(origin()).subject("homocloud-cli")
                .audience(server.baseUrl()).claim("scope", "system/*.cruds")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        ECKey strangerEc = new ECKeyGenerator(Curve.P_384).keyID(expectedKid()).generate();
        SignedJWT ec = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(expectedKid()).build(), claims);
        ec.sign(new ECDSASigner(strangerEc));
        RSAKey strangerRsa = new RSAKeyGenerator(2048).keyID(expectedKid()).generate();
        SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(expectedKid()).build(), claims);
        rs.sign(new RSASSASigner(strangerRsa));

        for (String forged : List.of(ec.serialize(), rs.serialize())) {
            HttpResponse<String> response = get(server.baseUrl() + "/Patient", forged);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
        }
        assertThat(get(server.baseUrl() + "/Patient", null).statusCode()).isEqualTo(401);
    }
}
