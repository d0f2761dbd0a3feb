package org.homocloud.server.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URL;
import java.time.Instant;
import java.util.Date;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;

/**
 * A Spring {@link JwtEncoder} for one signer whose key is not a JWK here (a KMS key): the JWS header carries the
 * signer's algorithm and key id whatever the token generator asked for (Spring Authorization Server asks for RS256
 * by default), and keeps only the generator's {@code typ}; the claims are passed through.
 */
final class KmsJwtEncoder implements JwtEncoder {

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String keyId;

    KmsJwtEncoder(JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
        this.signer = signer;
        this.algorithm = algorithm;
        this.keyId = keyId;
    }

    @Override
    public Jwt encode(JwtEncoderParameters parameters) {
        JwtClaimsSet claims = parameters.getClaims();
        JWSHeader.Builder header = new JWSHeader.Builder(algorithm).keyID(keyId);
        JwsHeader requested = parameters.getJwsHeader();
        if (requested != null && requested.getType() != null) {
            header.type(new JOSEObjectType(requested.getType()));
        }
        JWTClaimsSet.Builder jwtClaims = new JWTClaimsSet.Builder();
        claims.getClaims().forEach((name, value) -> jwtClaims.claim(name, jsonValue(value)));
        SignedJWT jwt = new SignedJWT(header.build(), jwtClaims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new JwtEncodingException("cannot sign the token: " + e.getMessage(), e);
        }
        return new Jwt(jwt.serialize(), claims.getIssuedAt(), claims.getExpiresAt(), jwt.getHeader().toJSONObject(),
                claims.getClaims());
    }

    /** Claim values as nimbus serializes them: instants as dates (seconds since the epoch), URLs as strings. */
    private static Object jsonValue(Object value) {
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        if (value instanceof URL url) {
            return url.toExternalForm();
        }
        return value;
    }
}
