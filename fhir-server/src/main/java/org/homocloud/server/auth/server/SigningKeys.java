package org.homocloud.server.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * The authorization server's token-signing keys: a JWK set persisted (owner-only) in one file, newest key
 * first. The newest key signs; older ones stay published in the JWKS so tokens they signed remain valid until
 * they expire. {@link #rotate()} adds a new key; {@link #load} rotates when the newest is older than the
 * rotation period.
 */
public final class SigningKeys implements TokenSigning {

    /** Access tokens and ID tokens are signed with RS256, which every SMART client library verifies. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.RS256;

    /** Retired keys kept for verification: enough to outlive the longest token signed before a rotation. */
    private static final int RETIRED_KEYS_KEPT = 2;

    private final Path file;
    private final Clock clock;
    private volatile List<JWK> keys;

    private SigningKeys(Path file, Clock clock, List<JWK> keys) {
        this.file = file;
        this.clock = clock;
        this.keys = List.copyOf(keys);
    }

    /** Loads the key file, creating it with one key on first start, and rotates a key older than {@code rotation}. */
    public static SigningKeys load(Path file, Duration rotation, Clock clock) {
        List<JWK> keys = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                keys.addAll(JWKSet.parse(OwnerOnlyFiles.readString(file)).getKeys());
            } catch (ParseException e) {
                throw new IllegalStateException("signing key file " + file.toAbsolutePath()
                        + " is not a JWK set: " + e.getMessage(), e);
            }
        }
        keys.sort(Comparator.comparing(SigningKeys::issuedAt).reversed());
        SigningKeys signingKeys = new SigningKeys(file, clock, keys);
        if (keys.isEmpty() || issuedAt(keys.get(0)).plus(rotation).isBefore(clock.instant())) {
            signingKeys.rotate();
        }
        return signingKeys;
    }

    /** Generates a new signing key, makes it the active one and persists the set. */
    public synchronized JWK rotate() {
        Instant now = clock.instant();
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(ALGORITHM)
                    .issueTime(Date.from(now))
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
        List<JWK> updated = new ArrayList<>();
        updated.add(key);
        keys.stream().limit(RETIRED_KEYS_KEPT).forEach(updated::add);
        OwnerOnlyFiles.writeString(file, new JWKSet(updated).toString(false));
        keys = List.copyOf(updated);
        return key;
    }

    public JWK activeKey() {
        return keys.get(0);
    }

    /** Every key, active first, public and private parts; for signature checks and the JWKS endpoint. */
    public JWKSet all() {
        return new JWKSet(keys);
    }

    /** A source that offers only the active key, so the encoder never has to choose between keys. */
    public JWKSource<SecurityContext> signingSource() {
        return (selector, context) -> selector.select(new JWKSet(activeKey()));
    }

    /** A source that offers every published key, for the JWKS endpoint and token verification. */
    @Override
    public JWKSource<SecurityContext> verificationSource() {
        return (selector, context) -> selector.select(all());
    }

    @Override
    public JWSAlgorithm algorithm() {
        return ALGORITHM;
    }

    /** Signs with the active key (the only one {@link #signingSource()} offers). */
    @Override
    public JwtEncoder encoder() {
        return new NimbusJwtEncoder(signingSource());
    }

    private static Instant issuedAt(JWK key) {
        return key.getIssueTime() == null ? Instant.EPOCH : key.getIssueTime().toInstant();
    }
}
