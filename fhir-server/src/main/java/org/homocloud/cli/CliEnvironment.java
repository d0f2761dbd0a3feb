package org.homocloud.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * What the command line takes from its surroundings: environment variables, the output streams and the
 * console for a passphrase prompt. Commands never read {@code System.getenv} or {@code System.out} directly,
 * so tests run them in-process with their own environment and capture what they print.
 *
 * @param variables environment variables ({@code HOMOCLOUD_KEY_PASSPHRASE})
 * @param out results (text or, with {@code --json}, one JSON document)
 * @param err progress and error messages
 * @param console the terminal for prompts without echo; absent when input is not a terminal
 */
public record CliEnvironment(Map<String, String> variables, PrintStream out, PrintStream err, Optional<Console> console) {

    /** The environment variable a passphrase is read from before prompting. */
    public static final String PASSPHRASE_VARIABLE = "HOMOCLOUD_KEY_PASSPHRASE";

    public CliEnvironment {
        variables = Map.copyOf(variables);
    }

    /** The process's own environment, streams and console. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.out, System.err, Optional.ofNullable(System.console()));
    }
}
