package org.homocloud.cli.keys;

import java.io.Console;
import java.util.Arrays;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;

/** The key file's passphrase: from {@code HOMOCLOUD_KEY_PASSPHRASE}, else a prompt on the terminal without echo. */
public final class Passphrases {

    private Passphrases() {
    }

    /** The passphrase to open an existing key file. */
    public static char[] forOpening(CliEnvironment environment, String keyFile) {
        String fromEnvironment = environment.variables().get(CliEnvironment.PASSPHRASE_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        Console console = terminal(environment);
        char[] passphrase = console.readPassword("Passphrase for %s: ", keyFile);
        if (passphrase == null || passphrase.length == 0) {
            throw new CliException(ExitCode.KEY_FILE, "no passphrase entered");
        }
        return passphrase;
    }

    /** The passphrase for a new key file, typed twice when prompted. */
    public static char[] forCreating(CliEnvironment environment, String keyFile) {
        String fromEnvironment = environment.variables().get(CliEnvironment.PASSPHRASE_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        Console console = terminal(environment);
        char[] first = console.readPassword("New passphrase for %s: ", keyFile);
        char[] second = console.readPassword("Repeat the passphrase: ");
        if (first == null || first.length == 0) {
            throw new CliException(ExitCode.KEY_FILE, "no passphrase entered");
        }
        boolean same = Arrays.equals(first, second);
        if (second != null) {
            Arrays.fill(second, '\0');
        }
        if (!same) {
            Arrays.fill(first, '\0');
            throw new CliException(ExitCode.KEY_FILE, "the passphrases differ");
        }
        return first;
    }

    private static Console terminal(CliEnvironment environment) {
        return environment.console().orElseThrow(() -> new CliException(ExitCode.KEY_FILE,
                "no passphrase: set " + CliEnvironment.PASSPHRASE_VARIABLE + " or run on a terminal to be prompted"));
    }
}
