package org.homocloud.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.homocloud.fhir.store.CiphertextStoreException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against the store contract, on a real S3-compatible server on loopback. */
class S3CiphertextStoreTest extends CiphertextStoreContractTest {

  private static final String BUCKET = "homocloud-ciphertexts";
  private static final String PREFIX = "tenant-a/ct/";

  @TempDir
  static Path serverDirectory;

  private static S3ProxyServer server;
  private static S3Client client;
  private static int testNumber;

  private String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer(serverDirectory);
    client = server.newClient();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  CiphertextStore openStore() {
    bucket = BUCKET + "-" + (++testNumber);
    client.createBucket(b -> b.bucket(bucket));
    return new S3CiphertextStore(client, bucket, PREFIX);
  }

  @Override
  List<String> storeSpecForChildProcess() {
    return List.of("s3", server.endpoint.toString(), server.identity, server.credential, bucket, PREFIX);
  }

  /** Amazon S3 replaces objects atomically; S3Proxy's filesystem blob store does not (see the contract). */
  @Override
  boolean replacesAtomically() {
    return false;
  }

  @AfterEach
  void noStagingObjectsLeft() {
    assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix(PREFIX + ".staging/")).contents()).isEmpty();
  }

  /** Flips a byte of the object's file in the server's filesystem blob store. */
  @Override
  CiphertextStore flipStoredByte(CiphertextStore store, String blobId, byte[] storedBytes) throws Exception {
    Path file = server.objectFile(bucket, PREFIX + blobId);
    assertThat(file).exists();
    assertThat(Files.size(file)).isEqualTo(storedBytes.length);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(100);
      raf.write(storedBytes[100] ^ 0x01);
    }
    return store;
  }

  @Test
  void objectsCarryTheirSha256AsMetadata() {
    byte[] bytes = PatternStream.bytes(9, 1000);
    store.put("meta", bytes);
    var head = client.headObject(b -> b.bucket(bucket).key(PREFIX + "meta"));
    assertThat(head.metadata()).containsEntry(S3CiphertextStore.SHA256_METADATA, Sha256.hex(Sha256.of(bytes)))
        .containsEntry(S3CiphertextStore.LENGTH_METADATA, "1000");
  }

  @Test
  void objectWithoutIntegrityMetadata_isReportedCorrupt() {
    client.putObject(b -> b.bucket(bucket).key(PREFIX + "foreign"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> store.get("foreign"))
        .isInstanceOfSatisfying(CiphertextStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
        .hasMessageContaining("foreign");
  }

  @Test
  void serverRequiresSignedRequests() {
    try (S3Client wrong = server.newClientWithWrongSecret()) {
      CiphertextStore unsigned = new S3CiphertextStore(wrong, bucket, PREFIX);
      assertThatThrownBy(() -> unsigned.put("x", new byte[] {1}))
          .isInstanceOfSatisfying(CiphertextStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND));
    }
  }
}
