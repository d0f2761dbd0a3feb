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
import org.homocloud.fhir.keys.custody.PassphraseWrapper;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keys create}: a new secret key in a passphrase-protected key file (owner-only), and its public
 * material in a key-set upload file beside it ({@code KEY.keyset}); with {@code --upload}, registered on the
 * server at once.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a key set: secret key to --key (passphrase-protected), public material to KEY.keyset.")
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

    @Option(names = "--upload", description = "upload the public material to --server afterwards")
    boolean upload;

    KeysCreateCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        Output output = new Output(environment, server.json());
        CkksParameters parameters;
        try {
            KeySetIds.check(keySetId);
            parameters = ParameterPresets.named(preset);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.FAILED, e.getMessage());
        }
        Path materialFile = PublicMaterial.fileFor(keyFile);
        if (Files.exists(keyFile)) {
            throw new CliException(ExitCode.KEY_FILE, "key file " + keyFile + " exists; refusing to overwrite a secret key");
        }
        char[] passphrase = Passphrases.forCreating(environment, keyFile.toString());
        long start = System.nanoTime();
        SecretKey secretKey = new KeyGenerator(parameters.rlwe()).generateSecretKey();
        PassphraseWrapper wrapper = new PassphraseWrapper(passphrase);
        Arrays.fill(passphrase, '\0');
        try {
            CustodianKeyFile.write(keyFile, keySetId, secretKey, parameters, wrapper, SecretKeyAccess.insecureSecretAccess());
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, e.getMessage(), e);
        } finally {
            wrapper.destroy();
        }
        output.progress("secret key written to " + keyFile + " (owner-only; keep it and its passphrase safe)");
        PublicMaterial.Written written = PublicMaterial.write(materialFile, parameters, secretKey);
        double seconds = (System.nanoTime() - start) / 1e9;
        output.line(String.format("key set '%s' (%s: logN %d, %d slots%s): secret key %s, public material %s"
                + " (%d bytes: public key, relinearization key, %d Galois keys), made in %.1f s",
                keySetId, preset, parameters.logN(), parameters.slots(),
                parameters.rlwe().isInsecureForTesting() ? ", INSECURE, for testing" : "",
                keyFile, materialFile, written.bytes(), written.galoisKeys(), seconds));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keySet", keySetId);
        result.put("preset", preset);
        result.put("keyFile", keyFile.toString());
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
}
