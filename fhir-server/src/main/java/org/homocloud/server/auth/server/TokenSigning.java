package org.homocloud.server.auth.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * What signs the embedded authorization server's tokens and what checks them: the persisted, rotating JWK set
 * ({@link SigningKeys}, the default) or an AWS KMS key ({@link KmsTokenSigning}). The resource server verifies
 * access tokens with {@link #algorithm()} and {@link #verificationSource()} alone, and the JWKS endpoint
 * publishes the same source, so a token verifies exactly when one of the published keys signed it.
 */
public interface TokenSigning {

    /** The one JWS algorithm tokens are signed with and verified under; tokens naming another are refused. */
    JWSAlgorithm algorithm();

    /** The public keys tokens are checked against and the JWKS endpoint publishes. */
    JWKSource<SecurityContext> verificationSource();

    /** Signs access and ID tokens. */
    JwtEncoder encoder();
}
