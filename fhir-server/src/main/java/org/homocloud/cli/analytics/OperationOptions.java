package org.homocloud.cli.analytics;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.ServerOptions;
import org.homocloud.cli.keys.CustodianKeys;
import picocli.CommandLine.Option;

/**
 * What every encrypted-operation command shares: the custodian's key file that decrypts the answer, and how the
 * operation is asked for (at once, or as a server job polled with progress).
 */
public final class OperationOptions {

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the key file")
    Path keyFile;

    @Option(names = "--async", description = "run as a server job (Prefer: respond-async) and poll it, "
            + "with progress on standard error")
    boolean async;

    /** The custodian's keys, opened (and unwrapped) before anything is asked of the server. */
    CustodianKeys keys(CliEnvironment environment) {
        return CustodianKeys.open(keyFile, environment);
    }

    /**
     * {@code GET [base]/pathAndQuery}, synchronously or as a server job; result ciphertexts kept as Binary
     * references are fetched, so the answer holds every ciphertext inline.
     */
    Parameters ask(ServerOptions server, String pathAndQuery, Output output) {
        ServerConnection connection = new ServerConnection(server, FhirContext.forR4Cached());
        return async ? connection.getParametersAsync(pathAndQuery, output::progress)
                : connection.getParameters(pathAndQuery);
    }
}
