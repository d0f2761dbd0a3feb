package org.homocloud.cli.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.KeyFileException;
import org.homocloud.fhir.keys.custody.KmsEnvelopeWrapper;
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * An opened custodian key file: the key-set id it belongs to, its parameters and its secret key. Opening it
 * is the command line's one place that reads a secret key, hence the access token here and nowhere else.
 *
 * @param keySetId the key set named in the file's authenticated header
 * @param parameters the preset whose fingerprint the file names
 * @param secretKey the secret key; never printed, never sent
 */
public record CustodianKeys(String keySetId, CkksParameters parameters, SecretKey secretKey) {

    /**
     * Opens {@code file} with the unwrapper its header names: a passphrase-protected file with the passphrase from
     * the environment or a prompt, a KMS-wrapped file with one AWS KMS {@code Decrypt} (endpoint, region and
     * credentials as {@link KmsClients} finds them; no prompt).
     */
    public static CustodianKeys open(Path file, CliEnvironment environment) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCode.KEY_FILE, "key file " + file + " does not exist (create one with: keys create --key "
                    + file + ")");
        }
        try {
            CustodianKeyFile.Header header = CustodianKeyFile.readHeader(file);
            CkksParameters parameters = ParameterPresets.withFingerprint(header.parametersFingerprint())
                    .orElseThrow(() -> new CliException(ExitCode.KEY_FILE, "key file " + file
                            + " holds a key for parameters with fingerprint " + header.parametersFingerprintHex()
                            + ", which no preset of this version has"));
            SecretKey secretKey = switch (header.scheme()) {
                case PassphraseWrapper.SCHEME -> openWithPassphrase(file, parameters, environment);
                case KmsEnvelopeWrapper.SCHEME -> openWithKms(file, header, parameters, environment);
                default -> throw new CliException(ExitCode.KEY_FILE, "key file " + file + " is wrapped by scheme "
                        + header.scheme() + ", which this version does not know (1: passphrase, 2: AWS KMS)");
            };
            return new CustodianKeys(header.keySetId(), parameters, secretKey);
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, e.getMessage(), e);
        }
    }

    private static SecretKey openWithPassphrase(Path file, CkksParameters parameters, CliEnvironment environment) {
        char[] passphrase = Passphrases.forOpening(environment, file.toString());
        PassphraseWrapper wrapper = new PassphraseWrapper(passphrase);
        Arrays.fill(passphrase, '\0');
        try {
            return CustodianKeyFile.read(file, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
        } finally {
            wrapper.destroy();
        }
    }

    private static SecretKey openWithKms(Path file, CustodianKeyFile.Header header, CkksParameters parameters,
            CliEnvironment environment) {
        String keyArn;
        try {
            keyArn = KmsEnvelopeWrapper.kmsKeyArnOf(header.wrappingParameters());
        } catch (KeyFileException e) {
            throw new KeyFileException("corrupted key file " + file + " (" + e.getMessage() + ")", e);
        }
        try (KmsClient kms = KmsClients.create(environment, keyArn, null, null)) {
            return CustodianKeyFile.read(file, parameters, KmsEnvelopeWrapper.forOpening(kms, header),
                    SecretKeyAccess.insecureSecretAccess());
        }
    }

    @Override
    public String toString() {
        return "CustodianKeys[keySetId=" + keySetId + ", parameters=" + parameters + "]";
    }
}
