package org.homocloud.cli.analytics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.Output;
import org.homocloud.cli.ServerOptions;
import org.homocloud.cli.decrypt.ValueDecryptor;
import org.homocloud.cli.keys.CustodianKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mean}: asks the server for {@code Observation/$encrypted-mean} over a cohort and decrypts the answer
 * locally with the custodian's key: count, mean, and on request sum, sum of squares, variance and standard
 * deviation (the square root of the decrypted variance), per month with {@code --group-by month}.
 */
@Command(name = "mean", mixinStandardHelpOptions = true,
        description = "Encrypted cohort mean (and sum, variance) of one code, decrypted locally.")
public final class MeanCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Mixin
    CohortOptions cohort;

    @Mixin
    OperationOptions operation;

    @Option(names = "--code", required = true, paramLabel = "CODE",
            description = "the Observation code, e.g. 8480-6 (LOINC) or http://loinc.org|8480-6")
    String code;

    @Option(names = "--component-code", paramLabel = "CODE",
            description = "aggregate this component of panels with --code, e.g. --code 55284-4 --component-code 8480-6")
    String componentCode;

    @Option(names = "--statistic", paramLabel = "NAME", split = ",",
            description = "sum, mean, sumOfSquares, variance (default: mean; variance adds the standard deviation)")
    List<String> statistics = new ArrayList<>();

    @Option(names = "--group-by", paramLabel = "month", description = "one result per month of the effective date")
    String groupBy;

    @Option(names = "--precision-bits", paramLabel = "BITS", defaultValue = "20",
            description = "round decrypted results to 2^-BITS (default: ${DEFAULT-VALUE})")
    int precisionBits;

    MeanCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Output output = new Output(environment, server.json());
        CustodianKeys keys = operation.keys(environment);
        StringBuilder url = new StringBuilder("Observation/$encrypted-mean?code=")
                .append(CohortOptions.encode(CohortOptions.token(code)));
        if (componentCode != null) {
            url.append("&component-code=").append(CohortOptions.encode(CohortOptions.token(componentCode)));
        }
        if (!statistics.isEmpty()) {
            url.append("&statistic=").append(CohortOptions.encode(String.join(",", statistics)));
        }
        if (groupBy != null) {
            url.append("&groupBy=").append(CohortOptions.encode(groupBy));
        }
        url.append(cohort.query());
        Parameters answer = operation.ask(server, url.toString(), output);
        ValueDecryptor decryptor = new ValueDecryptor(keys, precisionBits);
        String keySet = answer.getParameter("keySet").getValue().primitiveValue();
        String unit = answer.getParameter("unit") == null ? null : answer.getParameter("unit").getValue().primitiveValue();

        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (ParametersParameterComponent statistic : answer.getParameters("statistic")) {
            String name = part(statistic, "name");
            String group = part(statistic, "group");
            Map<String, Object> row = groups.computeIfAbsent(group == null ? "" : group, g -> new LinkedHashMap<>());
            if (group != null) {
                row.put("group", group);
                row.put("count", Integer.parseInt(part(statistic, "count")));
            }
            byte[] ciphertext = statistic.getPart().stream().filter(p -> p.getName().equals("ciphertext")).findFirst()
                    .map(p -> ((Base64BinaryType) p.getValue()).getValue()).orElseThrow();
            double value = decryptor.decrypt(ciphertext, 0, keySet, name);
            row.put(name, value);
            if (name.equals("variance")) {
                row.put("standardDeviation", Math.sqrt(Math.max(0, value)));
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("code", CohortOptions.token(code));
        if (componentCode != null) {
            document.put("componentCode", CohortOptions.token(componentCode));
        }
        document.put("count", Integer.parseInt(answer.getParameter("count").getValue().primitiveValue()));
        if (answer.getParameter("patients") != null) {
            document.put("patients", Integer.parseInt(answer.getParameter("patients").getValue().primitiveValue()));
        }
        document.put("unit", unit);
        if (groupBy == null) {
            document.putAll(groups.getOrDefault("", Map.of()));
        } else {
            document.put("groups", new ArrayList<>(groups.values()));
        }
        if (!output.json()) {
            output.line("count = " + document.get("count")
                    + (document.containsKey("patients") ? " values from " + document.get("patients") + " patients" : "")
                    + (unit == null ? "" : " (unit " + unit + ")"));
            groups.forEach((group, row) -> row.forEach((name, value) -> {
                if (!name.equals("group") && !name.equals("count")) {
                    output.line((group.isEmpty() ? "" : group + " ") + name + " = " + format(value));
                }
            }));
        }
        output.document(document);
        return 0;
    }

    private static String format(Object value) {
        return value instanceof Double d ? new java.math.BigDecimal(d).setScale(6, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros().toPlainString() : String.valueOf(value);
    }

    private static String part(ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst()
                .map(p -> p.getValue().primitiveValue()).orElse(null);
    }
}
