package org.homocloud.cli.keys;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.ServerOptions;
import org.homocloud.fhir.keys.custody.CustodianKeyFile;
import org.homocloud.fhir.keys.custody.KeyFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keys upload}: streams a key set's public material to the server ({@code $upload-key-set}), which
 * registers it as the key set's newest version. The material is the {@code KEY.keyset} file {@code keys create}
 * wrote; without it (deleted, or another machine), it is derived again from the secret key (which needs the
 * passphrase) and written there first.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Upload a key set's public material (KEY.keyset, derived again from --key when missing).")
public final class KeysUploadCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the key file")
    Path keyFile;

    @Option(names = "--key-set", paramLabel = "ID",
            description = "key-set id; must be the one the key file was made for (default: that one)")
    String keySetId;

    KeysUploadCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        Output output = new Output(environment, server.json());
        String fileKeySet;
        try {
            fileKeySet = CustodianKeyFile.readHeader(keyFile).keySetId();
        } catch (KeyFileException e) {
            throw new CliException(ExitCode.KEY_FILE, e.getMessage(), e);
        }
        if (keySetId != null && !keySetId.equals(fileKeySet)) {
            throw new CliException(ExitCode.FAILED, "key file " + keyFile + " belongs to key set '" + fileKeySet
                    + "', not '" + keySetId + "'");
        }
        Path materialFile = PublicMaterial.fileFor(keyFile);
        if (!Files.isRegularFile(materialFile)) {
            output.progress(materialFile + " is missing; deriving the public material again from " + keyFile);
            CustodianKeys keys = CustodianKeys.open(keyFile, environment);
            PublicMaterial.write(materialFile, keys.parameters(),
                    BootstrappingPresetNames.withFingerprint(keys.parameters().fingerprint()).orElse(null), keys.secretKey());
        }
        ServerConnection connection = new ServerConnection(server, FhirContext.forR4Cached());
        Map<String, Object> result = upload(connection, fileKeySet, materialFile, output);
        output.document(result);
        return 0;
    }

    /** Uploads {@code materialFile}, reports it, and returns what the server registered. */
    static Map<String, Object> upload(ServerConnection connection, String keySetId, Path materialFile, Output output)
            throws IOException {
        long bytes = Files.size(materialFile);
        long start = System.nanoTime();
        Parameters answer = connection.uploadKeySet(keySetId, materialFile);
        double seconds = (System.nanoTime() - start) / 1e9;
        int version = ((IntegerType) answer.getParameter("keySetVersion").getValue()).getValue();
        String fingerprint = answer.getParameter("fingerprint").getValue().primitiveValue();
        output.line(String.format("uploaded key set '%s' to %s: version %d, parameter fingerprint %s (%d bytes in %.1f s)",
                keySetId, connection.baseUrl(), version, fingerprint, bytes, seconds));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keySet", keySetId);
        result.put("keySetVersion", version);
        result.put("fingerprint", fingerprint);
        result.put("bytes", bytes);
        result.put("seconds", seconds);
        return result;
    }
}
