package org.homocloud.server.encryption;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Encrypted storage of Observation values ({@code homocloud.encryption.*}).
 *
 * @param enabled whether Observation values are kept only as ciphertexts (plaintext ones encrypted at
 *     ingest, value searches refused); off only for deployments and tests about plain FHIR behaviour
 * @param storeDir directory of the SQLite ciphertext store (ciphertexts and the key-set registry); blank
 *     means {@code ${homocloud.storage.data-dir}/ciphertexts}
 * @param keySetId the key set whose newest version new values are encrypted under
 * @param allowInsecureParametersForTesting lets the registry accept parameter sets marked insecure for
 *     testing; never in a deployment
 * @param plaintextIngest false refuses plaintext values (422), for deployments that demand client-side
 *     encryption: only values imported with {@code $import-ciphertext} are accepted
 * @param strippedElements Observation elements removed because they may restate a value: any of
 *     {@code text}, {@code interpretation}, {@code note} (all three by default)
 * @param repackInterval how often parts written at ingest are folded into packed ciphertexts; zero turns
 *     the background repacker off
 * @param minCohortSize the fewest distinct patients an encrypted statistic may cover (422 below it), so
 *     that aggregate results never single out a patient
 * @param inlineResultLimit the largest result ciphertext {@code $encrypted-mean} and {@code $encrypted-regression}
 *     answer inline (base64 in the Parameters); a larger one is kept as a Binary only its requester may read and
 *     answered as a reference to it. 2 MB keeps logN 14 statistics inline and moves logN 16 models out.
 */
@ConfigurationProperties("homocloud.encryption")
public record EncryptionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String storeDir,
        @DefaultValue("default") String keySetId,
        @DefaultValue("false") boolean allowInsecureParametersForTesting,
        @DefaultValue("true") boolean plaintextIngest,
        @DefaultValue({"text", "interpretation", "note"}) Set<String> strippedElements,
        @DefaultValue("10s") Duration repackInterval,
        @DefaultValue("10") int minCohortSize,
        @DefaultValue("2MB") DataSize inlineResultLimit) {

    public EncryptionProperties {
        if (keySetId.isBlank()) {
            throw new IllegalArgumentException("homocloud.encryption.key-set-id must not be blank");
        }
        if (minCohortSize < 1) {
            throw new IllegalArgumentException("homocloud.encryption.min-cohort-size must be at least 1");
        }
        if (inlineResultLimit.isNegative()) {
            throw new IllegalArgumentException("homocloud.encryption.inline-result-limit must not be negative");
        }
        if (repackInterval.isNegative()) {
            throw new IllegalArgumentException("homocloud.encryption.repack-interval must not be negative");
        }
    }

    /** The ciphertext store's directory: the configured one, or {@code ciphertexts} under the data directory. */
    public Path storeDirectory(Path dataDir) {
        return storeDir.isBlank() ? dataDir.resolve("ciphertexts") : Path.of(storeDir);
    }
}
