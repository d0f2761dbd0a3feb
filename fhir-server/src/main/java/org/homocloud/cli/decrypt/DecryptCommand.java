package org.homocloud.cli.decrypt;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;
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

/**
 * {@code decrypt}: shows what only the custodian can see. For each {@code Observation/ID}, fetches its encrypted
 * values ({@code $encrypted-value}) and decrypts each at its slot; for each {@code --file RESULT.json} (an
 * encrypted operation's Parameters answer), decrypts slot 0 of every {@code ciphertext} part, fetching from
 * {@code --server} those the server answered as Binary references.
 */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Decrypt Observation values (Observation/ID) or an operation result (--file RESULT.json).")
public final class DecryptCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Mixin
    ServerOptions server;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the key file")
    Path keyFile;

    @Option(names = "--file", paramLabel = "RESULT.json", description = "an operation result (FHIR Parameters, JSON)")
    List<Path> resultFiles = new ArrayList<>();

    @Option(names = "--precision-bits", paramLabel = "BITS", defaultValue = "20",
            description = "round decrypted values to 2^-BITS before showing them (default: ${DEFAULT-VALUE})")
    int precisionBits;

    @picocli.CommandLine.Parameters(arity = "0..*", paramLabel = "Observation/ID", description = "Observations to decrypt")
    List<String> observations = new ArrayList<>();

    DecryptCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        if (observations.isEmpty() && resultFiles.isEmpty()) {
            throw new CliException(ExitCode.FAILED, "nothing to decrypt: give Observation/ID arguments or --file RESULT.json");
        }
        Output output = new Output(environment, server.json());
        CustodianKeys keys = CustodianKeys.open(keyFile, environment);
        ValueDecryptor decryptor = new ValueDecryptor(keys, precisionBits);
        List<Map<String, Object>> results = new ArrayList<>();
        if (!observations.isEmpty()) {
            ServerConnection connection = new ServerConnection(server, FhirContext.forR4Cached());
            for (String reference : observations) {
                String id = reference.startsWith("Observation/") ? reference.substring("Observation/".length()) : reference;
                if (id.isEmpty() || id.contains("/")) {
                    throw new CliException(ExitCode.FAILED, "bad Observation reference '" + reference + "': expected Observation/ID");
                }
                decryptObservation(id, connection.encryptedValues(id), decryptor, output, results);
            }
        }
        for (Path file : resultFiles) {
            Parameters result = readParameters(file);
            if (ServerConnection.refersToBinaries(result)) {
                // A large result ciphertext is kept on the server as a Binary that only its requester may read.
                result = new ServerConnection(server, FhirContext.forR4Cached()).withCiphertextsInline(file.toString(), result);
            }
            decryptResult(file, result, decryptor, output, results);
        }
        output.document(results);
        return 0;
    }

    private static void decryptObservation(String id, Parameters answer, ValueDecryptor decryptor, Output output,
            List<Map<String, Object>> results) {
        List<ParametersParameterComponent> values = answer.getParameters("value");
        if (values.isEmpty()) {
            output.line("Observation/" + id + ": no encrypted values");
        }
        for (ParametersParameterComponent value : values) {
            String path = string(value, "path");
            String keySet = string(value, "keySet");
            int slot = integer(value, "slot");
            String what = "Observation/" + id + " " + path;
            double decrypted = decryptor.decrypt(bytes(value, "ciphertext", what), slot, keySet, what);
            String unit = string(value, "unit");
            Type code = partValue(value, "code");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("observation", "Observation/" + id);
            row.put("path", path);
            row.put("value", decrypted);
            row.put("unit", unit);
            if (code instanceof Coding coding) {
                row.put("code", coding.getSystem() + "|" + coding.getCode());
            }
            row.put("keySet", keySet);
            row.put("keySetVersion", integer(value, "keySetVersion"));
            results.add(row);
            output.line(what + " = " + format(decrypted) + (unit == null ? "" : " " + unit)
                    + (code instanceof Coding coding ? " (" + coding.getSystem() + "|" + coding.getCode() + ")" : ""));
        }
    }

    private static void decryptResult(Path file, Parameters result, ValueDecryptor decryptor, Output output,
            List<Map<String, Object>> results) {
        String keySet = null;
        ParametersParameterComponent keySetParameter = result.getParameter("keySet");
        if (keySetParameter != null && keySetParameter.getValue() != null) {
            keySet = keySetParameter.getValue().primitiveValue();
        }
        int found = 0;
        for (ParametersParameterComponent parameter : result.getParameter()) {
            found += decryptParameter(file.toString(), parameter.getName(), parameter, keySet, decryptor, output, results);
        }
        if (found == 0) {
            throw new CliException(ExitCode.FAILED, file + " holds no 'ciphertext' parameter or part to decrypt");
        }
    }

    /** Decrypts slot 0 of {@code parameter} if it is a ciphertext, else of its ciphertext parts; returns how many. */
    private static int decryptParameter(String file, String label, ParametersParameterComponent parameter, String keySet,
            ValueDecryptor decryptor, Output output, List<Map<String, Object>> results) {
        if ("ciphertext".equals(parameter.getName()) && parameter.getValue() instanceof Base64BinaryType ciphertext) {
            String what = file + " " + label;
            double decrypted = decryptor.decrypt(ciphertext.getValue(), 0, keySet, what);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", file);
            row.put("result", label);
            row.put("value", decrypted);
            results.add(row);
            output.line(label + " = " + format(decrypted));
            return 1;
        }
        int found = 0;
        String name = string(parameter, "name");
        String group = string(parameter, "group");
        String partLabel = label + (name == null ? "" : " " + name) + (group == null ? "" : " [" + group + "]");
        for (ParametersParameterComponent part : parameter.getPart()) {
            found += decryptParameter(file, partLabel, part, keySet, decryptor, output, results);
        }
        return found;
    }

    private Parameters readParameters(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return FhirContext.forR4Cached().newJsonParser().parseResource(Parameters.class, reader);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (DataFormatException e) {
            throw new CliException(ExitCode.FAILED, file + " is not a FHIR Parameters resource in JSON: " + e.getMessage(), e);
        }
    }

    /** Plain decimal without exponent or trailing zeros: 98.6, not 9.86E1 or 98.600000. */
    static String format(double value) {
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    private static Type partValue(ParametersParameterComponent parameter, String name) {
        for (ParametersParameterComponent part : parameter.getPart()) {
            if (name.equals(part.getName())) {
                return part.getValue();
            }
        }
        return null;
    }

    private static String string(ParametersParameterComponent parameter, String name) {
        Type value = partValue(parameter, name);
        return value == null ? null : value.primitiveValue();
    }

    private static int integer(ParametersParameterComponent parameter, String name) {
        if (partValue(parameter, name) instanceof IntegerType integer && integer.getValue() != null) {
            return integer.getValue();
        }
        throw new CliException(ExitCode.SERVER_REFUSED, "the server's answer lacks the integer part '" + name + "'");
    }

    private static byte[] bytes(ParametersParameterComponent parameter, String name, String what) {
        if (partValue(parameter, name) instanceof Base64BinaryType binary && binary.getValue() != null) {
            return binary.getValue();
        }
        throw new CliException(ExitCode.SERVER_REFUSED, what + ": the server's answer lacks the ciphertext");
    }
}
