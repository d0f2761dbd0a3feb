package org.homocloud.cli.analytics;

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
import org.homocloud.cli.ServerOptions;
import org.homocloud.cli.decrypt.ValueDecryptor;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.EncryptedLogisticModel;
import org.homocloud.he.analytics.LeastSquares;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code regression}: asks the server for {@code Observation/$encrypted-regression}. Linear: decrypts the
 * encrypted Gram matrix of [1 | features | covariates | outcome] with the custodian's key and solves the normal
 * equations locally; prints the intercept and one coefficient per feature and covariate. Logistic: decrypts
 * the coefficients the server trained on ciphertexts and un-normalises them with the constants the answer
 * states; prints both forms.
 */
@Command(name = "regression", mixinStandardHelpOptions = true,
        description = "Encrypted regression of one code on others, solved locally with the custodian's key.")
public final class RegressionCommand implements Callable<Integer> {

    private static final String SNOMED = "http://snomed.info/sct";

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Mixin
    CohortOptions cohort;

    @Mixin
    OperationOptions operation;

    @Option(names = "--model", defaultValue = "linear", paramLabel = "linear|logistic",
            description = "the model (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--outcome", paramLabel = "CODE", description = "linear: the Observation code to explain")
    String outcome;

    @Option(names = "--outcome-condition", paramLabel = "CODE",
            description = "logistic: the outcome is having a Condition with this code (a bare code means SNOMED CT)")
    String outcomeCondition;

    @Option(names = "--covariate", paramLabel = "age|gender",
            description = "a plaintext covariate from Patient (repeatable; gender: female 1, male 0)")
    List<String> covariates = new ArrayList<>();

    @Option(names = "--feature-center", paramLabel = "NUMBER",
            description = "logistic: the public centre of each --feature, in order (e.g. the middle of its reference range)")
    List<Double> featureCenters = new ArrayList<>();

    @Option(names = "--feature-scale", paramLabel = "NUMBER",
            description = "logistic: the public scale of each --feature, in order, so (value - centre) / scale is in about [-1, 1]")
    List<Double> featureScales = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N", description = "logistic: gradient iterations (server default 10, at most 20)")
    Integer iterations;

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
        boolean logistic = "logistic".equals(model);
        if (!logistic && !"linear".equals(model)) {
            throw new CliException(ExitCode.FAILED, "--model must be linear or logistic: " + model);
        }
        if (logistic ? outcomeCondition == null || outcome != null : outcome == null || outcomeCondition != null) {
            throw new CliException(ExitCode.FAILED, logistic
                    ? "--model logistic takes --outcome-condition CODE (not --outcome)"
                    : "--model linear takes --outcome CODE (not --outcome-condition)");
        }
        CustodianKeys keys = operation.keys(environment);
        StringBuilder url = new StringBuilder("Observation/$encrypted-regression?model=").append(CohortOptions.encode(model))
                .append("&aggregate=").append(CohortOptions.encode(aggregate));
        if (logistic) {
            String condition = outcomeCondition.contains("|") ? outcomeCondition : SNOMED + "|" + outcomeCondition;
            url.append("&outcome-condition=").append(CohortOptions.encode(condition));
            featureCenters.forEach(c -> url.append("&feature-center=").append(c));
            featureScales.forEach(s -> url.append("&feature-scale=").append(s));
            if (iterations != null) {
                url.append("&iterations=").append(iterations);
            }
        } else {
            url.append("&outcome=").append(CohortOptions.encode(CohortOptions.token(outcome)));
        }
        for (String feature : features) {
            url.append("&feature=").append(CohortOptions.encode(CohortOptions.token(feature)));
        }
        for (String covariate : covariates) {
            url.append("&covariate=").append(CohortOptions.encode(covariate));
        }
        url.append(cohort.query());
        Parameters answer = operation.ask(server, url.toString(), output);
        if (logistic) {
            return logistic(answer, keys, output);
        }
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
        for (int k = 0; k < covariates.size(); k++) {
            coefficients.put(covariates.get(k), b[features.size() + 1 + k]);
        }
        document.put("coefficients", coefficients);
        output.line("patients = " + patients);
        coefficients.forEach((name, value) -> output.line(name + " = " + value));
        output.document(document);
        return 0;
    }

    /**
     * The logistic answer: the coefficients ciphertext (slot c holds column c, in the normalised units
     * (x - center) / scale the answer states), decrypted and un-normalised to the columns' own units.
     */
    private int logistic(Parameters answer, CustodianKeys keys, Output output) {
        int patients = integer(answer, "count");
        String keySet = answer.getParameter("keySet").getValue().primitiveValue();
        Parameters.ParametersParameterComponent coefficientsParameter = answer.getParameter("coefficients");
        if (coefficientsParameter == null) {
            throw new CliException(ExitCode.SERVER_REFUSED, "the server's answer lacks 'coefficients'");
        }
        byte[] ciphertext = ((Base64BinaryType) coefficientsParameter.getValue()).getValue();
        List<Parameters.ParametersParameterComponent> columns = answer.getParameters("column");
        ValueDecryptor decryptor = new ValueDecryptor(keys, 20);
        double[] b = new double[columns.size()];
        double[] centers = new double[columns.size() - 1];
        double[] scales = new double[columns.size() - 1];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Parameters.ParametersParameterComponent column = columns.get(c);
            names.add(part(column, "name"));
            b[c] = decryptor.decrypt(ciphertext, Integer.parseInt(part(column, "slot")), keySet, "coefficient");
            if (c > 0) {
                centers[c - 1] = Double.parseDouble(part(column, "center"));
                scales[c - 1] = Double.parseDouble(part(column, "scale"));
            }
        }
        double[] original = EncryptedLogisticModel.toOriginalUnits(b, centers, scales);
        Map<String, Double> normalised = new LinkedHashMap<>();
        Map<String, Double> coefficients = new LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) {
            normalised.put(names.get(c), b[c]);
            coefficients.put(names.get(c), original[c]);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("model", "logistic");
        document.put("count", patients);
        document.put("positives", integer(answer, "positives"));
        document.put("outcomeCondition", answer.getParameter("outcomeCondition").getValue().primitiveValue());
        document.put("iterations", integer(answer, "iterations"));
        document.put("bootstraps", integer(answer, "bootstraps"));
        if (answer.getParameter("covariateDate") != null) {
            document.put("covariateDate", answer.getParameter("covariateDate").getValue().primitiveValue());
        }
        document.put("coefficients", coefficients);
        document.put("normalisedCoefficients", normalised);
        output.line("patients = " + patients + " (" + integer(answer, "positives") + " with the condition)");
        output.line("log-odds coefficients, in each column's own units:");
        coefficients.forEach((name, value) -> output.line("  " + name + " = " + value));
        output.line("on the normalised columns (value - center) / scale:");
        normalised.forEach((name, value) -> output.line("  " + name + " = " + value));
        output.document(document);
        return 0;
    }

    private static String part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> name.equals(p.getName())).findFirst()
                .map(p -> p.getValue().primitiveValue())
                .orElseThrow(() -> new CliException(ExitCode.SERVER_REFUSED,
                        "the server's answer lacks part '" + name + "' of '" + parameter.getName() + "'"));
    }

    private static int integer(Parameters answer, String name) {
        Parameters.ParametersParameterComponent parameter = answer.getParameter(name);
        if (parameter == null || parameter.getValue() == null) {
            throw new CliException(ExitCode.SERVER_REFUSED, "the server's answer lacks '" + name + "'");
        }
        return Integer.parseInt(parameter.getValue().primitiveValue());
    }
}
