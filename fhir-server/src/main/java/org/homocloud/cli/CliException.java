package org.homocloud.cli;

/**
 * A command failed for a reason the user can act on; {@link HomocloudCli} prints the message on one line and
 * exits with the {@link ExitCode}'s number.
 */
public final class CliException extends RuntimeException {

    /** Exit codes of {@code ./homocloud} Java subcommands (2 is picocli's: bad usage). */
    public enum ExitCode {
        /** Anything else: bad input file, I/O failure. */
        FAILED(1),
        /** The server could not be reached (connection refused, timeout, unknown host). */
        SERVER_UNREACHABLE(3),
        /** The server answered with an error status; the message carries its OperationOutcome diagnostics. */
        SERVER_REFUSED(4),
        /** The key file could not be opened: wrong passphrase, damaged file, or no passphrase given. */
        KEY_FILE(5);

        private final int code;

        ExitCode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
