package org.homocloud.server.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.homocloud.server.HomocloudServer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server started and stopped by the test itself, for tests that need their own configuration or a restart.
 */
public final class RunningServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * Starts a server on loopback, on a random port unless {@code server.port} is given; {@code properties} are
     * {@code key=value} pairs, passed as command-line arguments so that they win over application.yaml and
     * profile files, as an operator's would.
     */
    public static RunningServer start(String profile, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1"));
        if (Arrays.stream(properties).noneMatch(p -> p.startsWith("server.port="))) {
            args.add("--server.port=0");
        }
        for (String property : properties) {
            args.add("--" + property);
        }
        // Tests of FHIR behaviour run without SMART authorization unless they switch it on themselves.
        if (Arrays.stream(properties).noneMatch(p -> p.startsWith("homocloud.security.enabled="))) {
            args.add("--homocloud.security.enabled=false");
        }
        SpringApplicationBuilder builder = new SpringApplicationBuilder(HomocloudServer.class);
        if (profile != null) {
            builder.profiles(profile);
        }
        return new RunningServer(builder.run(args.toArray(String[]::new)));
    }

    public int port() {
        return ((ServletWebServerApplicationContext) context).getWebServer().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/fhir";
    }

    public IGenericClient client() {
        return FhirClients.client(baseUrl());
    }

    /** A bean of the running server, for tests that act on its components directly (as a custodian's upload would). */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
