package org.homocloud.cli.analytics;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerConnection;
import org.homocloud.cli.ServerOptions;
import org.homocloud.cli.decrypt.ValueDecryptor;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.LeastSquares;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code regression}: asks the server for {@code Observation/$encrypted-regression}, decrypts the encrypted
 * Gram matrix of [1 | features | outcome] with the custodian's key and solves the normal equations locally:
 * prints the intercept and one coefficient per feature, and the residual standard error.
 */
@Command(name = "regression", mixinStandardHelpOptions = true,
        description = "Encrypted regression of one code on others, solved locally with the custodian's key.")
public final class RegressionCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Mixin
    CohortOptions cohort;

    @Option(names = "--async", description = "run as a server job (Prefer: respond-async) and poll it, "
            + "with progress on standard error")
    boolean async;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the key file")
    java.nio.file.Path keyFile;

    @Option(names = "--model", defaultValue = "linear", paramLabel = "linear|logistic",
            description = "the model (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--outcome", required = true, paramLabel = "CODE", description = "the Observation code to explain")
    String outcome;

    @Option(names = "--feature", required = true, paramLabel = "CODE", description = "an explaining code (repeatable)")
    List<String> features = new ArrayList<>();

    @Option(names = "--aggregate", defaultValue = "latest", paramLabel = "latest|mean",
            description = "per patient, the latest value of each code or their mean (default: ${DEFAULT-VALUE})")
    String aggregate;

    RegressionCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Output output = new Output(environment, server.json());
        CustodianKeys keys = CustodianKeys.open(keyFile, environment);
        StringBuilder url = new StringBuilder("Observation/$encrypted-regression?model=").append(CohortOptions.encode(model))
                .append("&outcome=").append(CohortOptions.encode(CohortOptions.token(outcome)))
                .append("&aggregate=").append(CohortOptions.encode(aggregate));
        for (String feature : features) {
            url.append("&feature=").append(CohortOptions.encode(CohortOptions.token(feature)));
        }
        url.append(cohort.query());
        ServerConnection connection = new ServerConnection(server, FhirContext.forR4Cached());
        Parameters answer = async ? connection.getParametersAsync(url.toString(), output::progress)
                : connection.getParameters(url.toString());
        int patients = integer(answer, "count");
        int columns = integer(answer, "columns");
        int blockSize = integer(answer, "blockSize");
        int blocks = integer(answer, "blocksPerCiphertext");
        String keySet = answer.getParameter("keySet").getValue().primitiveValue();
        List<byte[]> grams = new ArrayList<>();
        answer.getParameters("gram").forEach(p -> grams.add(((Base64BinaryType) p.getValue()).getValue()));
        // Gram entries reach n * x^2; 2^-20 rounding keeps far more precision than the solve needs.
        ValueDecryptor decryptor = new ValueDecryptor(keys, 20);
        double[][] gram = new double[columns][columns];
        gram[0][0] = patients;
        for (int i = 0; i < columns; i++) {
            for (int j = i; j < columns; j++) {
                if (i == 0 && j == 0) {
                    continue;
                }
                int e = EncryptedGram.entryIndex(columns, i, j);
                if (e / blocks >= grams.size()) {
                    throw new CliException(ExitCode.SERVER_REFUSED, "the server's Gram matrix lacks entry (" + i + ", " + j + ")");
                }
                gram[i][j] = decryptor.decrypt(grams.get(e / blocks), (e % blocks) * blockSize, keySet, "Gram entry");
                gram[j][i] = gram[i][j];
            }
        }
        double[] b = LeastSquares.solve(gram);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("model", model);
        document.put("count", patients);
        document.put("outcome", CohortOptions.token(outcome));
        Map<String, Double> coefficients = new LinkedHashMap<>();
        coefficients.put("intercept", b[0]);
        for (int f = 0; f < features.size(); f++) {
            coefficients.put(CohortOptions.token(features.get(f)), b[f + 1]);
        }
        document.put("coefficients", coefficients);
        output.line("patients = " + patients);
        coefficients.forEach((name, value) -> output.line(name + " = " + value));
        output.document(document);
        return 0;
    }

    private static int integer(Parameters answer, String name) {
        Parameters.ParametersParameterComponent parameter = answer.getParameter(name);
        if (parameter == null || parameter.getValue() == null) {
            throw new CliException(ExitCode.SERVER_REFUSED, "the server's answer lacks '" + name + "'");
        }
        return Integer.parseInt(parameter.getValue().primitiveValue());
    }
}
