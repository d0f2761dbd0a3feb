package org.homocloud.cli.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.KeyFileException;
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;

/**
 * An opened custodian key file: the key-set id it belongs to, its parameters and its secret key. Opening it
 * is the command line's one place that reads a secret key, hence the access token here and nowhere else.
 *
 * @param keySetId the key set named in the file's authenticated header
 * @param parameters the preset whose fingerprint the file names
 * @param secretKey the secret key; never printed, never sent
 */
public record CustodianKeys(String keySetId, CkksParameters parameters, SecretKey secretKey) {

    /** Opens {@code file} with the passphrase from the environment or a prompt. */
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
            char[] passphrase = Passphrases.forOpening(environment, file.toString());
            PassphraseWrapper wrapper = new PassphraseWrapper(passphrase);
            Arrays.fill(passphrase, '\0');
            try {
                SecretKey secretKey = CustodianKeyFile.read(file, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
                return new CustodianKeys(header.keySetId(), parameters, secretKey);
            } finally {
                wrapper.destroy();
            }
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CustodianKeys[keySetId=" + keySetId + ", parameters=" + parameters + "]";
    }
}
