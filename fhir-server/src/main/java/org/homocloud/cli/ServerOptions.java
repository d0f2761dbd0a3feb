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

    @Option(names = "--client-id", paramLabel = "ID",
            description = "a SMART Backend Services client registered on the server (with --client-key); "
                    + "default: the local server's command-line client")
    String clientId;

    @Option(names = "--client-key", paramLabel = "FILE", description = "that client's private key (a JWK, JSON)")
    java.nio.file.Path clientKey;

    @Option(names = "--scope", paramLabel = "SCOPES", description = "scopes to ask for with --client-id "
            + "(default: ${DEFAULT-VALUE})",
            defaultValue = "system/*.cruds system/Observation.$encrypted-aggregate system/$homocloud-admin")
    String scope;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "the local server's data directory, where it keeps the command-line client's key "
                    + "(default: ${DEFAULT-VALUE})")
    java.nio.file.Path dataDir;

    public String server() {
        return server;
    }

    public boolean json() {
        return json;
    }

    public String clientId() {
        return clientId;
    }

    public java.nio.file.Path clientKey() {
        return clientKey;
    }

    public String scope() {
        return scope;
    }

    public java.nio.file.Path dataDir() {
        return dataDir;
    }
}
