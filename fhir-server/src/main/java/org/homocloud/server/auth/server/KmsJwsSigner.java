package org.homocloud.server.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * A nimbus {@link JWSSigner} whose private key stays in AWS KMS: it hashes the JWS signing input here and sends
 * only the digest to KMS {@code Sign} ({@code MessageType} DIGEST, so the 4,096-byte limit on raw messages never
 * bites), then brings the answer into JOSE form: ECDSA signatures arrive DER-encoded and JWS wants R || S.
 * One KMS call per signature.
 */
final class KmsJwsSigner implements JWSSigner {

    private final KmsClient kms;
    private final String keyArn;
    private final JWSAlgorithm algorithm;
    private final SigningAlgorithmSpec kmsAlgorithm;
    private final JCAContext jcaContext = new JCAContext();

    KmsJwsSigner(KmsClient kms, String keyArn, JWSAlgorithm algorithm) {
        this.kms = kms;
        this.keyArn = keyArn;
        this.algorithm = algorithm;
        this.kmsAlgorithm = kmsAlgorithmFor(algorithm);
    }

    /** KMS's name for a JWS algorithm this signer offers. */
    static SigningAlgorithmSpec kmsAlgorithmFor(JWSAlgorithm algorithm) {
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return SigningAlgorithmSpec.ECDSA_SHA_256;
        } else if (JWSAlgorithm.ES384.equals(algorithm)) {
            return SigningAlgorithmSpec.ECDSA_SHA_384;
        } else if (JWSAlgorithm.RS384.equals(algorithm)) {
            return SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384;
        } else if (JWSAlgorithm.PS384.equals(algorithm)) {
            return SigningAlgorithmSpec.RSASSA_PSS_SHA_384;
        }
        throw new IllegalArgumentException("no AWS KMS signing algorithm for JWS " + algorithm);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!algorithm.equals(header.getAlgorithm())) {
            throw new JOSEException("this KMS key signs " + algorithm + ", not " + header.getAlgorithm());
        }
        byte[] digest = digest(signingInput);
        byte[] signature;
        try {
            signature = kms.sign(r -> r.keyId(keyArn).messageType(MessageType.DIGEST).message(SdkBytes.fromByteArray(digest))
                    .signingAlgorithm(kmsAlgorithm)).signature().asByteArray();
        } catch (SdkException e) {
            throw new JOSEException("AWS KMS Sign with " + keyArn + " failed: " + e.getMessage(), e);
        }
        if (JWSAlgorithm.Family.EC.contains(algorithm)) {
            signature = ECDSA.transcodeSignatureToConcat(signature, ECDSA.getSignatureByteArrayLength(algorithm));
        }
        return Base64URL.encode(signature);
    }

    private byte[] digest(byte[] signingInput) throws JOSEException {
        try {
            String hash = JWSAlgorithm.ES256.equals(algorithm) ? "SHA-256" : "SHA-384";
            return MessageDigest.getInstance(hash).digest(signingInput);
        } catch (NoSuchAlgorithmException e) {
            throw new JOSEException("no SHA-2 in this JDK", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
