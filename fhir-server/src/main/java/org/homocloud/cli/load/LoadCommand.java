package org.homocloud.cli.load;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.ServerOptions;
import org.homocloud.cli.keys.CustodianKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code load}: posts transaction Bundles (JSON) or NDJSON to the server as an EHR would, one transaction at a
 * time, and reports counts; with {@code --encrypt}, the Observation values of all the files are first encrypted
 * on this side with the custodian's secret key (see {@link ClientSideEncryption}), so the server never sees them.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Post FHIR Bundles (JSON) or NDJSON files to the server, optionally encrypting values first.")
public final class LoadCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Option(names = "--encrypt", description = "encrypt Observation values client-side before posting (needs --key)")
    boolean encrypt;

    @Option(names = "--key", paramLabel = "FILE", description = "the key file (with --encrypt)")
    Path keyFile;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "transaction Bundles (.json) or NDJSON (.ndjson)")
    List<Path> files;

    LoadCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Output output = new Output(environment, server.json());
        if (encrypt && keyFile == null) {
            throw new CliException(ExitCode.FAILED, "--encrypt needs the key file: --key FILE");
        }
        FhirContext fhirContext = FhirContext.forR4Cached();
        ServerConnection connection = new ServerConnection(server, fhirContext);
        long start = System.nanoTime();
        ResourceFiles reader = new ResourceFiles(fhirContext);
        List<Bundle> bundles = new ArrayList<>();
        for (Path file : files) {
            bundles.addAll(reader.read(file));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("files", files.size());
        if (encrypt) {
            CustodianKeys keys = CustodianKeys.open(keyFile, environment);
            RegisteredKeySet registered = RegisteredKeySet.active(connection, keys.keySetId(), keys.parameters());
            long encryptStart = System.nanoTime();
            ClientSideEncryption.Result encrypted =
                    new ClientSideEncryption(keys, registered.parameters(), registered.version(),
                            ClientSideEncryption.CiphertextImporter.of(connection)).encrypt(bundles);
            double encryptSeconds = (System.nanoTime() - encryptStart) / 1e9;
            output.progress(String.format("encrypted %d values client-side into %d ciphertexts (%d bytes, %.1f bytes per value)"
                    + " under key set '%s' version %d in %.1f s", encrypted.values(), encrypted.ciphertexts(),
                    encrypted.ciphertextBytes(), encrypted.values() == 0 ? 0.0 : (double) encrypted.ciphertextBytes() / encrypted.values(),
                    keys.keySetId(), registered.version(), encryptSeconds));
            result.put("keySet", keys.keySetId());
            result.put("keySetVersion", registered.version());
            result.put("encryptedValues", encrypted.values());
            result.put("ciphertexts", encrypted.ciphertexts());
            result.put("ciphertextBytes", encrypted.ciphertextBytes());
        }
        int resources = 0;
        int observations = 0;
        for (int i = 0; i < bundles.size(); i++) {
            Bundle bundle = bundles.get(i);
            try {
                connection.transaction(bundle);
            } catch (CliException e) {
                throw new CliException(e.exitCode(), "transaction " + (i + 1) + " of " + bundles.size() + " failed ("
                        + i + " committed): " + e.getMessage(), e);
            }
            resources += bundle.getEntry().size();
            output.progress("transaction " + (i + 1) + " of " + bundles.size() + ": " + bundle.getEntry().size() + " resources");
            observations += (int) bundle.getEntry().stream().filter(e -> e.getResource() instanceof Observation).count();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        output.line(String.format("loaded %d files to %s: %d transactions, %d resources (%d Observations)%s in %.1f s"
                + " (%.0f resources/s)", files.size(), connection.baseUrl(), bundles.size(), resources, observations,
                encrypt ? ", values encrypted client-side" : "", seconds, resources / seconds));
        result.put("transactions", bundles.size());
        result.put("resources", resources);
        result.put("observations", observations);
        result.put("seconds", seconds);
        output.document(result);
        return 0;
    }
}
