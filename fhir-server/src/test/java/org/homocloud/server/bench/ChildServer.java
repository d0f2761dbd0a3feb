package org.homocloud.server.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.homocloud.server.HomocloudServer;

/**
 * A Homocloud server in a JVM of its own, as `./homocloud serve` runs it, for benchmarks whose server and
 * clients must not share a heap: its memory is its own, and its peak resident size is read from the kernel.
 * Binds 127.0.0.1 on a free port, without SMART authorization; logs to standard error.
 */
final class ChildServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final int port;
    private final String maxHeap;

    private ChildServer(Process process, int port, String maxHeap) {
        this.process = process;
        this.port = port;
        this.maxHeap = maxHeap;
    }

    /**
     * Starts the server with {@code -Xmx maxHeap} and {@code springArguments}, and waits until it answers FHIR; its
     * log and GC log ({@code server.log}, {@code gc.log}) go to {@code logDir}, kept after the run.
     */
    static ChildServer start(Path logDir, String maxHeap, String... springArguments) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + maxHeap,
                "-Xlog:gc:file=" + logDir.resolve("gc.log") + ":uptime,tags", "-cp",
                System.getProperty("java.class.path"), HomocloudServer.class.getName(),
                "--server.address=127.0.0.1", "--server.port=" + port, "--homocloud.security.enabled=false"));
        command.addAll(List.of(springArguments));
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.to(logDir.resolve("server.log").toFile()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ChildServer server = new ChildServer(process, port, maxHeap);
        try {
            server.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The java launcher of this JVM, so that children run on the same runtime. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    String maxHeap() {
        return maxHeap;
    }

    /** The server process's peak resident set size so far (the kernel's VmHWM), in bytes. */
    long peakResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + " before it answered");
            }
            try {
                HttpResponse<Void> metadata = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metadata"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (metadata.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep waiting
            }
            Thread.sleep(500);
        }
        throw new IOException("the server did not answer " + baseUrl() + "/metadata within " + START_TIMEOUT);
    }

    /** Stops the server as an operator would (SIGTERM, Spring's graceful shutdown), then forcibly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
