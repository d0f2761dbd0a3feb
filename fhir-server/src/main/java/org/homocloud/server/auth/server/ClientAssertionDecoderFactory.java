package org.homocloud.server.auth.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.Set;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Builds the decoder that verifies a client's {@code private_key_jwt} assertion: signature by one of the client's
 * registered (or published) keys with RS384 or ES384, then {@link ClientAssertionValidator}. An assertion whose
 * {@code kid} names no key of the client fails signature selection and is refused.
 */
final class ClientAssertionDecoderFactory implements JwtDecoderFactory<RegisteredClient> {

    /** Client setting holding a registered client's public JWK set as JSON. */
    static final String JWK_SET_SETTING = "homocloud.client.jwk-set";

    /** The signature algorithms SMART Backend Services requires servers to support. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);

    private final JtiReplayCache jtis;
    private final Clock clock;

    ClientAssertionDecoderFactory(JtiReplayCache jtis, Clock clock) {
        this.jtis = jtis;
        this.clock = clock;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keysOf(client)));
        // Claims are checked by ClientAssertionValidator, with OAuth error codes.
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(new ClientAssertionValidator(
                client.getClientId(), ClientAssertionDecoderFactory::tokenEndpoint, jtis, clock));
        return decoder;
    }

    private static JWKSource<SecurityContext> keysOf(RegisteredClient client) {
        String registered = client.getClientSettings().getSetting(JWK_SET_SETTING);
        try {
            if (registered != null) {
                return new ImmutableJWKSet<>(JWKSet.parse(registered));
            }
            String published = client.getClientSettings().getJwkSetUrl();
            if (published != null) {
                return JWKSourceBuilder.create(URI.create(published).toURL()).build();
            }
        } catch (ParseException | MalformedURLException e) {
            throw new IllegalStateException("keys of client " + client.getClientId() + " cannot be read", e);
        }
        throw new IllegalStateException("client " + client.getClientId() + " has no keys registered");
    }

    /** This server's token endpoint as the client must name it in {@code aud}. */
    static String tokenEndpoint() {
        AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
        return context.getIssuer() + context.getAuthorizationServerSettings().getTokenEndpoint();
    }
}
