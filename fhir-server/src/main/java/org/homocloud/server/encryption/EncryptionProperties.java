package org.homocloud.server.encryption;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encrypted storage of Observation values ({@code homocloud.encryption.*}).
 *
 * @param enabled whether Observation values posted in plaintext are encrypted at ingest (and value searches
 *     refused); off only for deployments and tests about plain FHIR behaviour
 * @param storeDir directory of the SQLite ciphertext store (ciphertexts and the key-set registry); blank
 *     means {@code ${homocloud.storage.data-dir}/ciphertexts}
 * @param keySetId the key set whose newest version new values are encrypted under
 * @param allowInsecureParametersForTesting lets the registry accept parameter sets marked insecure for
 *     testing; never in a deployment
 */
@ConfigurationProperties("homocloud.encryption")
public record EncryptionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String storeDir,
        @DefaultValue("default") String keySetId,
        @DefaultValue("false") boolean allowInsecureParametersForTesting) {

    public EncryptionProperties {
        if (keySetId.isBlank()) {
            throw new IllegalArgumentException("homocloud.encryption.key-set-id must not be blank");
        }
    }

    /** The ciphertext store's directory: the configured one, or {@code ciphertexts} under the data directory. */
    public Path storeDirectory(Path dataDir) {
        return storeDir.isBlank() ? dataDir.resolve("ciphertexts") : Path.of(storeDir);
    }
}
