package org.homocloud.server.auth.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.homocloud.server.auth.SecurityProperties;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Tokens signed by an asymmetric AWS KMS key ({@code homocloud.security.signing.kms-key-id}): the private key never
 * leaves KMS; each token costs one KMS {@code Sign} of its SHA-384 digest ({@link KmsJwsSigner}). At start-up one
 * {@code GetPublicKey} fetches the public key (DER SubjectPublicKeyInfo), which the JWKS endpoint publishes and the
 * resource server verifies with, under a key id derived from the KMS key id ({@code kms-<key id>}), so it stays
 * the same across restarts and names the KMS key an operator looks for. ECC_NIST_P384 signs ES384, ECC_NIST_P256
 * ES256, an RSA key RS384 (or PS384 with {@code kms-algorithm: PS384}). Rotation is KMS's business: point the
 * option at a new key and restart (tokens signed by the old key fail after the restart, within their lifetime).
 */
public final class KmsTokenSigning implements TokenSigning, AutoCloseable {

    private final KmsClient kms;
    private final String keyArn;
    private final JWSAlgorithm algorithm;
    private final JWK publicKey;
    private final JwtEncoder encoder;

    private KmsTokenSigning(KmsClient kms, String keyArn, JWSAlgorithm algorithm, JWK publicKey, JwtEncoder encoder) {
        this.kms = kms;
        this.keyArn = keyArn;
        this.algorithm = algorithm;
        this.publicKey = publicKey;
        this.encoder = encoder;
    }

    /** Connects to KMS as configured (credentials from the AWS SDK's default chain) and fetches the public key. */
    public static KmsTokenSigning connect(SecurityProperties.Signing signing) {
        KmsClientBuilder builder = KmsClient.builder().credentialsProvider(DefaultCredentialsProvider.builder().build());
        String region = !signing.kmsRegion().isBlank() ? signing.kmsRegion() : regionOfArn(signing.kmsKeyId());
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (!signing.kmsEndpoint().isBlank()) {
            builder.endpointOverride(URI.create(signing.kmsEndpoint()));
        }
        return connect(builder.build(), signing.kmsKeyId(), signing.kmsAlgorithm());
    }

    /**
     * Fetches the public key of {@code keyId} through {@code kms} and picks the JWS algorithm from its key spec
     * ({@code rsaAlgorithm}: RS384 or PS384 for RSA keys, blank for the default RS384). {@link #close()} closes
     * {@code kms}.
     */
    public static KmsTokenSigning connect(KmsClient kms, String keyId, String rsaAlgorithm) {
        GetPublicKeyResponse response;
        try {
            response = kms.getPublicKey(r -> r.keyId(keyId));
        } catch (SdkException e) {
            throw new IllegalStateException("homocloud.security.signing.kms-key-id: cannot get the public key of " + keyId
                    + " from AWS KMS: " + e.getMessage(), e);
        }
        if (response.keyUsage() != KeyUsageType.SIGN_VERIFY) {
            throw new IllegalStateException("homocloud.security.signing.kms-key-id: " + keyId + " is a "
                    + response.keyUsageAsString() + " key; token signing needs a SIGN_VERIFY key");
        }
        JWSAlgorithm algorithm = algorithmFor(response.keySpec(), rsaAlgorithm, keyId);
        String keyArn = response.keyId();
        String kid = "kms-" + keyArn.substring(keyArn.lastIndexOf('/') + 1);
        JWK jwk = publicJwk(response.publicKey().asByteArray(), algorithm, kid);
        KmsJwsSigner signer = new KmsJwsSigner(kms, keyArn, algorithm);
        return new KmsTokenSigning(kms, keyArn, algorithm, jwk, new KmsJwtEncoder(signer, algorithm, kid));
    }

    private static JWSAlgorithm algorithmFor(KeySpec spec, String rsaAlgorithm, String keyId) {
        String rsa = rsaAlgorithm == null || rsaAlgorithm.isBlank() ? "RS384" : rsaAlgorithm;
        return switch (spec) {
            case ECC_NIST_P384 -> JWSAlgorithm.ES384;
            case ECC_NIST_P256 -> JWSAlgorithm.ES256;
            case RSA_2048, RSA_3072, RSA_4096 -> switch (rsa) {
                case "RS384" -> JWSAlgorithm.RS384;
                case "PS384" -> JWSAlgorithm.PS384;
                default -> throw new IllegalStateException("homocloud.security.signing.kms-algorithm must be RS384 or PS384"
                        + " for an RSA key, was " + rsa);
            };
            default -> throw new IllegalStateException("homocloud.security.signing.kms-key-id: " + keyId + " has key spec "
                    + spec + "; token signing takes ECC_NIST_P384, ECC_NIST_P256 or RSA_2048/3072/4096");
        };
    }

    private static JWK publicJwk(byte[] subjectPublicKeyInfo, JWSAlgorithm algorithm, String kid) {
        try {
            boolean ec = JWSAlgorithm.Family.EC.contains(algorithm);
            PublicKey key = KeyFactory.getInstance(ec ? "EC" : "RSA").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
            if (ec) {
                Curve curve = JWSAlgorithm.ES384.equals(algorithm) ? Curve.P_384 : Curve.P_256;
                return new ECKey.Builder(curve, (ECPublicKey) key).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).keyID(kid).build();
            }
            return new RSAKey.Builder((RSAPublicKey) key).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).keyID(kid).build();
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("AWS KMS returned a public key that is not a " + algorithm + " key: "
                    + e.getMessage(), e);
        }
    }

    /** The region in a key ARN ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}), or null (the SDK's default chain decides). */
    static String regionOfArn(String keyId) {
        if (keyId == null || !keyId.startsWith("arn:")) {
            return null;
        }
        String[] parts = keyId.split(":", 6);
        return parts.length == 6 && !parts[3].isEmpty() ? parts[3] : null;
    }

    /** The KMS key's full ARN, as KMS answered it. */
    public String keyArn() {
        return keyArn;
    }

    /** The published public key, with its {@code kid}. */
    public JWK publicKey() {
        return publicKey;
    }

    @Override
    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public JWKSource<SecurityContext> verificationSource() {
        JWKSet set = new JWKSet(publicKey);
        return (selector, context) -> selector.select(set);
    }

    @Override
    public JwtEncoder encoder() {
        return encoder;
    }

    /** Closes the KMS client (Spring calls this when the application stops). */
    @Override
    public void close() {
        kms.close();
    }
}
