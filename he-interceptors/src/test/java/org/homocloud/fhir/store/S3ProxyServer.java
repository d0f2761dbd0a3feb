package org.homocloud.fhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server (S3Proxy over its filesystem blob store) in a child JVM on a free
 * loopback port, with AWS Signature V4 required on every request. It runs in its own JVM because its
 * Jetty and jclouds differ from the versions Spring Boot manages for this module.
 */
final class S3ProxyServer implements AutoCloseable {

  final Path dataDirectory;
  final URI endpoint;
  final String identity = "homocloud-test";
  final String credential = UUID.randomUUID().toString();
  private final Process process;

  S3ProxyServer(Path workDirectory) throws IOException, InterruptedException {
    String jar = System.getProperty("homocloud.test.s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("S3Proxy jar not found (system property homocloud.test.s3proxy.jar = " + jar
          + "); run the tests through Maven, which copies it to target/s3proxy");
    }
    dataDirectory = Files.createDirectories(workDirectory.resolve("s3-data"));
    int port = freeLoopbackPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
    Path properties = workDirectory.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v4",
        "s3proxy.identity=" + identity,
        "s3proxy.credential=" + credential,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dataDirectory.toAbsolutePath(),
        ""));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    process = new ProcessBuilder(List.of(javaBin.toString(), "-Xmx512m", "-jar", jar,
        "--properties", properties.toString()))
        .redirectErrorStream(true)
        .redirectOutput(workDirectory.resolve("s3proxy.log").toFile())
        .start();
    awaitListening(port, workDirectory.resolve("s3proxy.log"));
  }

  S3Client newClient() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, credential)))
        .build();
  }

  /** A client whose secret is wrong: the server must refuse its signed requests. */
  S3Client newClientWithWrongSecret() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, "wrong")))
        .build();
  }

  /** The file that holds an object, in S3Proxy's filesystem blob store. */
  Path objectFile(String bucket, String key) {
    return dataDirectory.resolve(bucket).resolve(key);
  }

  private void awaitListening(int port, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not listen on 127.0.0.1:" + port + " within 60 s:\n" + Files.readString(log));
  }

  static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
