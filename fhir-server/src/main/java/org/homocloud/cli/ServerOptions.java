package org.homocloud.cli;

import picocli.CommandLine.Option;

/** Options shared by every subcommand that talks to a server. */
public final class ServerOptions {

    /** The local server {@code ./homocloud serve} starts. */
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080/fhir";

    @Option(names = "--server", paramLabel = "URL", defaultValue = DEFAULT_SERVER,
            description = "FHIR base URL of the server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--json", description = "print one machine-readable JSON document instead of text")
    boolean json;

    public String server() {
        return server;
    }

    public boolean json() {
        return json;
    }
}
