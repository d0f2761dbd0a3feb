package org.homocloud.server.auth.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local command-line tool's Backend Services registration: on first start an ES384 key pair is generated,
 * its private JWK written owner-only to {@value #KEY_FILE} and the client's id and scopes to
 * {@value #CLIENT_FILE} in the auth directory. The server registers the public half; {@code ./homocloud}
 * signs its token requests with the private half (see
 * {@link org.homocloud.server.auth.client.BackendServicesTokenClient#forLocalServer}).
 */
public final class LocalCliClient {

    public static final String KEY_FILE = "cli-client.private.jwk.json";
    public static final String CLIENT_FILE = "cli-client.json";

    private final String clientId;
    private final String scope;
    private final JWK privateKey;

    private LocalCliClient(String clientId, String scope, JWK privateKey) {
        this.clientId = clientId;
        this.scope = scope;
        this.privateKey = privateKey;
    }

    /** Reads the local client's files, creating them (and the key) on first start. */
    public static LocalCliClient loadOrCreate(Path authDir, String clientId, String scope) {
        Path keyFile = authDir.resolve(KEY_FILE);
        JWK key;
        if (Files.exists(keyFile)) {
            try {
                key = JWK.parse(OwnerOnlyFiles.readString(keyFile));
            } catch (ParseException e) {
                throw new IllegalStateException("command-line client key " + keyFile.toAbsolutePath()
                        + " is not a JWK: " + e.getMessage(), e);
            }
        } else {
            try {
                key = new ECKeyGenerator(Curve.P_384)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES384)
                        .keyIDFromThumbprint(true)
                        .generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot generate the command-line client's key", e);
            }
            OwnerOnlyFiles.writeString(keyFile, key.toJSONString());
        }
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_id", clientId);
        client.put("private_key_file", KEY_FILE);
        client.put("scope", scope);
        OwnerOnlyFiles.writeString(authDir.resolve(CLIENT_FILE), toJson(client));
        return new LocalCliClient(clientId, scope, key);
    }

    public String clientId() {
        return clientId;
    }

    public String scope() {
        return scope;
    }

    /** The public half, as registered with the authorization server. */
    public JWKSet publicKeys() {
        return new JWKSet(privateKey.toPublicJWK());
    }

    private static String toJson(Map<String, Object> values) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(values) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the command-line client file", e);
        }
    }
}
