package org.homocloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Writes a command's result: text lines for people, or with {@code --json} one JSON document for programs. */
public final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final CliEnvironment environment;
    private final boolean json;

    public Output(CliEnvironment environment, boolean json) {
        this.environment = environment;
        this.json = json;
    }

    public boolean json() {
        return json;
    }

    /** A line of text (ignored with {@code --json}). */
    public void line(String text) {
        if (!json) {
            environment.out().println(text);
        }
    }

    /** Progress for people, on the error stream so it never mixes with results. */
    public void progress(String text) {
        environment.err().println(text);
    }

    /** The JSON result (ignored without {@code --json}). */
    public void document(Object result) {
        if (json) {
            try {
                environment.out().println(JSON.writeValueAsString(result));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the JSON result", e);
            }
        }
    }
}
