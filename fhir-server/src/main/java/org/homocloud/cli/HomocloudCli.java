package org.homocloud.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import org.homocloud.cli.analytics.MeanCommand;
import org.homocloud.cli.analytics.RegressionCommand;
import org.homocloud.cli.decrypt.DecryptCommand;
import org.homocloud.cli.keys.KeysCommand;
import org.homocloud.cli.load.LoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The key custodian's and EHR's command line ({@code ./homocloud keys|load|decrypt}): creates and uploads key
 * sets, posts Bundles or NDJSON (optionally encrypted client-side first) and decrypts values. Every subcommand
 * that talks to a server takes {@code --server URL} and {@code --json}; those that need the secret key take
 * {@code --key FILE}, opened with {@code HOMOCLOUD_KEY_PASSPHRASE} or a prompt.
 */
@Command(name = "homocloud", mixinStandardHelpOptions = true, version = "homocloud 0.1.0",
        description = "Homocloud key custody and data loading.",
        subcommands = {KeysCommand.class, LoadCommand.class, DecryptCommand.class, MeanCommand.class,
            RegressionCommand.class})
public final class HomocloudCli {

    public static void main(String[] args) {
        // The server's logging setup writes INFO to stdout, which must carry results alone.
        System.setProperty("logback.configurationFile", "org/homocloud/cli/logback-cli.xml");
        System.exit(run(CliEnvironment.system(), args));
    }

    /** Runs one command line in {@code environment} and returns its exit code (see {@link CliException.ExitCode}). */
    public static int run(CliEnvironment environment, String... args) {
        CommandLine commandLine = new CommandLine(HomocloudCli.class, new EnvironmentFactory(environment));
        commandLine.setOut(new PrintWriter(environment.out(), true));
        commandLine.setErr(new PrintWriter(environment.err(), true));
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException failure) {
                environment.err().println(line.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
                return failure.exitCode().code();
            }
            environment.err().println(line.getCommandSpec().qualifiedName() + ": unexpected error: " + e);
            e.printStackTrace(environment.err());
            return CliException.ExitCode.FAILED.code();
        });
        return commandLine.execute(args);
    }

    /** Builds commands with the environment when they take one, so none of them reaches for System.* itself. */
    private record EnvironmentFactory(CliEnvironment environment) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                Class<?>[] parameters = constructor.getParameterTypes();
                if (parameters.length == 1 && parameters[0] == CliEnvironment.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(environment));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
