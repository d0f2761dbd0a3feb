package org.homocloud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** One in-process run of {@link HomocloudCli}: its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code args} with {@code passphrase} in HOMOCLOUD_KEY_PASSPHRASE (none when null) and no terminal. */
    static CliRun of(String passphrase, String... args) {
        return withVariables(passphrase == null ? Map.of() : Map.of(CliEnvironment.PASSPHRASE_VARIABLE, passphrase), args);
    }

    /** Runs {@code args} with exactly {@code variables} as its environment (e.g. AWS credentials) and no terminal. */
    static CliRun withVariables(Map<String, String> variables, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment environment = new CliEnvironment(variables, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Optional.empty());
        int code = HomocloudCli.run(environment, args);
        CliRun run = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ homocloud " + String.join(" ", args) + "  -> exit " + code);
        System.out.print(run.out);
        System.out.print(run.err);
        return run;
    }

    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }
}
