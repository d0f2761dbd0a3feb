package org.homocloud.fhir.store;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Child process of the contract's small-heap test: streams a blob larger than its own heap into a store
 * and back, and prints {@code OK <bytes>} if the bytes read match. Arguments: the blob size, then
 * {@code sqlite DIRECTORY} or {@code s3 ENDPOINT IDENTITY CREDENTIAL BUCKET PREFIX}.
 */
public final class SmallHeapStreamer {

  private SmallHeapStreamer() {
  }

  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[0]);
    String[] spec = Arrays.copyOfRange(args, 1, args.length);
    S3Client client = null;
    CiphertextStore store;
    if (spec[0].equals("sqlite")) {
      store = new SqliteCiphertextStore(Path.of(spec[1]));
    } else {
      client = S3Client.builder().endpointOverride(URI.create(spec[1])).region(Region.US_EAST_1).forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(spec[2], spec[3])))
          .build();
      store = new S3CiphertextStore(client, spec[4], spec[5]);
    }
    try {
      store.putStream("larger-than-heap", new PatternStream(77, size));
      MessageDigest expected = Sha256.newDigest();
      MessageDigest actual = Sha256.newDigest();
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      try (InputStream reference = new PatternStream(77, size); InputStream in = store.openStream("larger-than-heap")) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          actual.update(buffer, 0, n);
          total += n;
        }
        for (int n; (n = reference.read(buffer)) >= 0; ) {
          expected.update(buffer, 0, n);
        }
      }
      if (total != size || !MessageDigest.isEqual(expected.digest(), actual.digest())) {
        System.out.println("MISMATCH " + total);
        System.exit(2);
      }
      System.out.println("OK " + total + " bytes, max heap " + Runtime.getRuntime().maxMemory());
    } finally {
      store.close();
      if (client != null) {
        client.close();
      }
    }
  }
}
