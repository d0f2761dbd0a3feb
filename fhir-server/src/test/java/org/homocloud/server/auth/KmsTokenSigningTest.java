package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import org.homocloud.server.auth.server.KmsTokenSigning;
import org.homocloud.testing.kms.FakeKms;
import org.homocloud.testing.kms.FakeKmsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Tokens signed by a KMS key through the real SDK and the loopback {@link FakeKms}: each key type gives a JWS that
 * verifies with the public key KMS publishes (fetched here independently), with one KMS Sign per token.
 */
class KmsTokenSigningTest {

    private static FakeKms fake;
    private static KmsClient kms;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = FakeKmsClients.client(fake);
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    private static String signingKey(KeySpec spec) {
        return kms.createKey(r -> r.keySpec(spec).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
    }

    /** Encodes a token as Spring Authorization Server's JwtGenerator asks for one: RS256 in the requested header. */
    private static SignedJWT token(KmsTokenSigning signing) throws Exception {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer("http://127.0.0.1:8080").subject("homocloud-cli")
                .audience(List.of("http://127.0.0.1:8080/fhir")).issuedAt(now).expiresAt(now.plusSeconds(300))
                .claim("scope", List.of("system/Patient.rs")).build();
        Jwt jwt = signing.encoder().encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims));
        return SignedJWT.parse(jwt.getTokenValue());
    }

    private static PublicKey publishedByKms(String keyArn, String algorithm) throws Exception {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(
                kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray()));
    }

    @Test
    void eccP384_signsES384_verifiableWithKmsPublicKey_oneSignPerToken() throws Exception {
        String key = signingKey(KeySpec.ECC_NIST_P384);
        KmsTokenSigning signing = KmsTokenSigning.connect(kms, key, "");
        int signs = fake.calls("Sign");

        SignedJWT jwt = token(signing);

        assertThat(fake.calls("Sign") - signs).isEqualTo(1);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("kms-" + key.substring(key.lastIndexOf('/') + 1))
                .isEqualTo(signing.publicKey().getKeyID());
        assertThat(jwt.getSignature().decode()).as("JOSE R||S, not DER").hasSize(96);
        assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) publishedByKms(key, "EC")))).isTrue();
        assertThat(jwt.verify(new ECDSAVerifier((ECKey) signing.publicKey()))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("homocloud-cli");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new java.util.Date());
        SignedJWT other = token(KmsTokenSigning.connect(kms, signingKey(KeySpec.ECC_NIST_P384), ""));
        assertThat(other.verify(new ECDSAVerifier((ECKey) signing.publicKey()))).as("another KMS key's token").isFalse();
    }

    @Test
    void rsa3072_signsRS384ByDefault_andPS384WhenAsked() throws Exception {
        String key = signingKey(KeySpec.RSA_3072);
        for (String asked : new String[] {"", "PS384"}) {
            KmsTokenSigning signing = KmsTokenSigning.connect(kms, key, asked);
            SignedJWT jwt = token(signing);
            JWSVerifier verifier = new RSASSAVerifier((RSAPublicKey) publishedByKms(key, "RSA"));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(asked.isEmpty() ? JWSAlgorithm.RS384 : JWSAlgorithm.PS384);
            assertThat(jwt.verify(verifier)).isTrue();
            assertThat(((RSAKey) signing.publicKey()).toRSAPublicKey().getModulus().bitLength()).isEqualTo(3072);
        }
    }

    @Test
    void aSymmetricKey_orAnUnknownKey_isRefusedAtStartUp() {
        String symmetric = kms.createKey(r -> r.description("not for signing")).keyMetadata().arn();

        assertThatThrownBy(() -> KmsTokenSigning.connect(kms, symmetric, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot get the public key of " + symmetric);
        assertThatThrownBy(() -> KmsTokenSigning.connect(kms, "alias/nobody", ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot get the public key of alias/nobody");
        assertThatThrownBy(() -> KmsTokenSigning.connect(kms, signingKey(KeySpec.RSA_3072), "RS256"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must be RS384 or PS384");
    }
}
