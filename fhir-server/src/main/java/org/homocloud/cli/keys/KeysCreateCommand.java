package org.homocloud.cli.keys;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.ServerOptions;
import org.homocloud.fhir.keys.KeySetIds;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.KeyFileException;
import org.homocloud.fhir.keys.custody.KmsEnvelopeWrapper;
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code keys create}: a new secret key in a key file (owner-only) wrapped by a passphrase or, with
 * {@code --kms-key-id}, by an AWS KMS key (escrow: whoever may use that KMS key for {@code Decrypt} can open the
 * file), and its public material in a key-set upload file beside it ({@code KEY.keyset}); with {@code --upload},
 * registered on the server at once.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a key set: secret key to --key (passphrase-protected, or wrapped by an AWS KMS key with "
                + "--kms-key-id), public material to KEY.keyset.")
public final class KeysCreateCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the new key file (must not exist)")
    Path keyFile;

    @Option(names = "--key-set", paramLabel = "ID", defaultValue = "default",
            description = "key-set id, 1-64 of [A-Za-z0-9_-] (default: ${DEFAULT-VALUE}, the server's default key set)")
    String keySetId;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = ParameterPresets.DEFAULT,
            description = "CKKS parameters: logN12..logN16 (default: ${DEFAULT-VALUE}); insecureForTestingLogN10/12 for tests only")
    String preset;

    @Option(names = "--bootstrapping", paramLabel = "NAME", arity = "0..1",
            fallbackValue = BootstrappingPresetNames.DEFAULT,
            description = "make a bootstrappable key set (for $encrypted-regression model=logistic) under this "
                    + "bootstrapping preset's parameters instead of --preset: logN16 (default when the option is given "
                    + "without a name; ~4.2 GB of public material seeded, ~10 GB of heap to make it); insecureForTestingLogN12 for tests only")
    String bootstrapping;

    @Option(names = "--upload", description = "upload the public material to --server afterwards")
    boolean upload;

    @Option(names = "--kms-key-id", paramLabel = "ARN_OR_ALIAS",
            description = "wrap the secret key with this AWS KMS symmetric key (key id, key ARN, alias/NAME or alias ARN) "
                    + "instead of a passphrase; credentials from AWS_ACCESS_KEY_ID etc. or the SDK's default chain")
    String kmsKeyId;

    @Option(names = "--kms-endpoint", paramLabel = "URL",
            description = "AWS KMS endpoint (a VPC endpoint, a test KMS); default: " + KmsClients.ENDPOINT_VARIABLE
                    + ", AWS_ENDPOINT_URL_KMS, else the region's public endpoint")
    String kmsEndpoint;

    @Option(names = "--kms-region", paramLabel = "REGION",
            description = "AWS region of the KMS key; default: the region in a key ARN, else AWS_REGION")
    String kmsRegion;

    KeysCreateCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        Output output = new Output(environment, server.json());
        CkksParameters parameters;
        BootstrappingParameters bootstrappingParameters = null;
        try {
            KeySetIds.check(keySetId);
            if (bootstrapping != null) {
                bootstrappingParameters = BootstrappingPresetNames.named(bootstrapping);
                parameters = bootstrappingParameters.ckks();
            } else {
                parameters = ParameterPresets.named(preset);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.FAILED, e.getMessage());
        }
        Path materialFile = PublicMaterial.fileFor(keyFile);
        if (Files.exists(keyFile)) {
            throw new CliException(ExitCode.KEY_FILE, "key file " + keyFile + " exists; refusing to overwrite a secret key");
        }
        if (kmsKeyId == null && (kmsEndpoint != null || kmsRegion != null)) {
            throw new CliException(ExitCode.FAILED, "--kms-endpoint and --kms-region need --kms-key-id");
        }
        long start = System.nanoTime();
        SecretKey secretKey = new KeyGenerator(parameters.rlwe()).generateSecretKey();
        String wrappedBy = kmsKeyId == null ? writeWithPassphrase(parameters, secretKey) : writeWithKms(parameters, secretKey);
        output.progress("secret key written to " + keyFile + " (owner-only; " + (kmsKeyId == null
                ? "keep it and its passphrase safe)" : "wrapped by AWS KMS key " + wrappedBy + ")"));
        PublicMaterial.Written written = PublicMaterial.write(materialFile, parameters, bootstrappingParameters, secretKey);
        double seconds = (System.nanoTime() - start) / 1e9;
        String presetName = bootstrapping != null ? "bootstrapping " + bootstrapping : preset;
        output.line(String.format("key set '%s' (%s: logN %d, %d slots%s): secret key %s, public material %s"
                + " (%d bytes: public key, relinearization key, %d Galois keys%s), made in %.1f s",
                keySetId, presetName, parameters.logN(), parameters.slots(),
                parameters.rlwe().isInsecureForTesting() ? ", INSECURE, for testing" : "",
                keyFile, materialFile, written.bytes(), written.galoisKeys(),
                written.bootstrappingKeys() > 0 ? ", " + written.bootstrappingKeys() + " bootstrapping keys" : "", seconds));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keySet", keySetId);
        result.put("preset", presetName);
        result.put("bootstrappingKeys", written.bootstrappingKeys());
        result.put("keyFile", keyFile.toString());
        result.put("keyFileBytes", Files.size(keyFile));
        result.put("wrapping", kmsKeyId == null ? "passphrase" : "aws-kms");
        if (kmsKeyId != null) {
            result.put("kmsKeyArn", wrappedBy);
        }
        result.put("publicMaterialFile", materialFile.toString());
        result.put("publicMaterialBytes", written.bytes());
        result.put("galoisKeys", written.galoisKeys());
        result.put("seconds", seconds);
        if (upload) {
            ServerConnection connection = new ServerConnection(server, FhirContext.forR4Cached());
            result.put("upload", KeysUploadCommand.upload(connection, keySetId, materialFile, output));
        }
        output.document(result);
        return 0;
    }

    private String writeWithPassphrase(CkksParameters parameters, SecretKey secretKey) {
        char[] passphrase = Passphrases.forCreating(environment, keyFile.toString());
        PassphraseWrapper wrapper = new PassphraseWrapper(passphrase);
        Arrays.fill(passphrase, '\0');
        try {
            CustodianKeyFile.write(keyFile, keySetId, secretKey, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
            return "passphrase";
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, e.getMessage(), e);
        } finally {
            wrapper.destroy();
        }
    }

    /** Wraps with one KMS GenerateDataKey; a refused or unknown KMS key fails before anything is written. */
    private String writeWithKms(CkksParameters parameters, SecretKey secretKey) {
        try (KmsClient kms = KmsClients.create(environment, kmsKeyId, kmsEndpoint, kmsRegion)) {
            KmsEnvelopeWrapper wrapper = KmsEnvelopeWrapper.forWriting(kms, kmsKeyId, keySetId, parameters.fingerprint());
            CustodianKeyFile.write(keyFile, keySetId, secretKey, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
            return KmsEnvelopeWrapper.kmsKeyArnOf(CustodianKeyFile.readHeader(keyFile).wrappingParameters());
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, "cannot create key file " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
