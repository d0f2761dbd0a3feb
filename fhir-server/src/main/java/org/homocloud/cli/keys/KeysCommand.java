package org.homocloud.cli.keys;

import picocli.CommandLine.Command;

/** {@code keys create|upload}: the custodian's key set. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create and upload key sets.",
        subcommands = {KeysCreateCommand.class, KeysUploadCommand.class})
public final class KeysCommand {
}
