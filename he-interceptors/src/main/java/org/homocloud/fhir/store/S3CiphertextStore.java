package org.homocloud.fhir.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.homocloud.fhir.store.CiphertextStoreException.Reason;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link CiphertextStore} in an Amazon S3 bucket (or any S3-compatible service), one object per blob
 * under a key prefix, through the AWS SDK v2.
 *
 * <p>Durability is S3's: an object is stored redundantly before PUT (or CompleteMultipartUpload)
 * answers, and both are atomic, so a reader sees the whole previous object or the whole new one.
 *
 * <p>Integrity: each object carries user metadata {@value #SHA256_METADATA} (hex SHA-256 of the blob)
 * and {@value #LENGTH_METADATA}, checked on every read. Single-request puts also send the SDK's
 * {@code x-amz-checksum-sha256}, so S3 itself rejects bytes damaged in transit.
 *
 * <p>Large streams: content that fits in one part ({@value #PART_SIZE} bytes) goes up in one PUT;
 * larger content goes by multipart upload, one part buffered at a time, to a staging key under
 * {@code <prefix>.staging/}. Its SHA-256 is known only once the last part is sent, and S3 metadata can
 * be set only when an upload starts, so the finished staging object is then copied server-side to the
 * blob's key with its metadata (an atomic CopyObject up to 5 GiB, a multipart copy beyond), and the
 * staging object is deleted. Blob ids never start with a dot, so staging keys cannot collide with them.
 */
public final class S3CiphertextStore implements CiphertextStore {

  /** User metadata key holding the blob's hex SHA-256. */
  public static final String SHA256_METADATA = "homocloud-sha256";
  /** User metadata key holding the blob's length in bytes. */
  public static final String LENGTH_METADATA = "homocloud-length";
  /** Bytes per multipart part, and the largest blob sent in one PUT. */
  public static final int PART_SIZE = 8 << 20;

  private static final long MAX_SINGLE_COPY = 5L << 30;
  private static final long COPY_PART_SIZE = 1L << 30;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * A store over {@code bucket}, keeping blobs under {@code prefix} (empty, or ending in '/'). The
   * client is owned by the caller, who closes it.
   */
  public S3CiphertextStore(S3Client s3, String bucket, String prefix) {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("S3 bucket must be named");
    }
    if (prefix == null || !(prefix.isEmpty() || prefix.endsWith("/"))) {
      throw new IllegalArgumentException("S3 key prefix '" + prefix + "' must be empty or end in '/'");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  /** The object key of a blob. */
  public String key(String blobId) {
    return prefix + CiphertextStore.checkBlobId(blobId);
  }

  @Override
  public void put(String blobId, byte[] bytes) {
    String key = key(blobId);
    byte[] sha256 = Sha256.of(bytes);
    try {
      s3.putObject(b -> b.bucket(bucket).key(key)
              .metadata(metadata(sha256, bytes.length))
              .checksumAlgorithm(ChecksumAlgorithm.SHA256),
          RequestBody.fromBytes(bytes));
    } catch (RuntimeException e) {
      throw backend(blobId, "put", e);
    }
  }

  @Override
  public long putStream(String blobId, InputStream content) {
    String key = key(blobId);
    byte[] part = new byte[PART_SIZE];
    int first;
    try {
      first = Streams.readFully(content, part);
    } catch (IOException e) {
      throw backend(blobId, "put", e);
    }
    if (first < PART_SIZE) {
      put(blobId, java.util.Arrays.copyOf(part, first));
      return first;
    }
    return putMultipart(blobId, key, content, part);
  }

  private long putMultipart(String blobId, String key, InputStream content, byte[] part) {
    String stagingKey = prefix + ".staging/" + UUID.randomUUID();
    String uploadId;
    try {
      uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(stagingKey)).uploadId();
    } catch (RuntimeException e) {
      throw backend(blobId, "put", e);
    }
    MessageDigest digest = Sha256.newDigest();
    long length = 0;
    List<CompletedPart> parts = new ArrayList<>();
    try {
      int n = PART_SIZE;  // the caller filled the first part
      for (int number = 1; n > 0; number++) {
        digest.update(part, 0, n);
        length += n;
        int partNumber = number;
        int partLength = n;
        // A stream over the part buffer, made afresh for each attempt: RequestBody.fromBytes would copy the part,
        // and two parts in memory do not fit the small heaps this store promises to stream within.
        RequestBody body = RequestBody.fromContentProvider(
            () -> new java.io.ByteArrayInputStream(part, 0, partLength), partLength, "application/octet-stream");
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(stagingKey).uploadId(uploadId).partNumber(partNumber),
            body).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        n = n < PART_SIZE ? 0 : Streams.readFully(content, part);
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(stagingKey).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(stagingKey).uploadId(uploadId));
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
      }
      throw backend(blobId, "put", e);
    }
    try {
      copyWithMetadata(stagingKey, key, metadata(digest.digest(), length), length);
    } catch (RuntimeException e) {
      throw backend(blobId, "put", e);
    } finally {
      try {
        s3.deleteObject(b -> b.bucket(bucket).key(stagingKey));
      } catch (RuntimeException ignored) {
        // a leftover staging object holds no blob; a bucket lifecycle rule on ".staging/" clears it
      }
    }
    return length;
  }

  private void copyWithMetadata(String sourceKey, String key, Map<String, String> metadata, long length) {
    if (length <= MAX_SINGLE_COPY) {
      s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(sourceKey).destinationBucket(bucket).destinationKey(key)
          .metadataDirective(MetadataDirective.REPLACE).metadata(metadata));
      return;
    }
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(metadata)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    try {
      int number = 1;
      for (long start = 0; start < length; start += COPY_PART_SIZE, number++) {
        String range = "bytes=" + start + "-" + (Math.min(start + COPY_PART_SIZE, length) - 1);
        int partNumber = number;
        String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
            .destinationBucket(bucket).destinationKey(key).uploadId(uploadId)
            .partNumber(partNumber).copySourceRange(range)).copyPartResult().eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (RuntimeException e) {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      throw e;
    }
  }

  private static Map<String, String> metadata(byte[] sha256, long length) {
    return Map.of(SHA256_METADATA, Sha256.hex(sha256), LENGTH_METADATA, Long.toString(length));
  }

  @Override
  public byte[] get(String blobId) {
    try (InputStream in = openStream(blobId)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw SqliteCiphertextStore.unwrap(blobId, e);
    }
  }

  @Override
  public InputStream openStream(String blobId) {
    String key = key(blobId);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = s3.getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw CiphertextStoreException.missing(blobId);
    } catch (RuntimeException e) {
      throw backend(blobId, "get", e);
    }
    GetObjectResponse response = in.response();
    String sha256 = response.metadata().get(SHA256_METADATA);
    String length = response.metadata().get(LENGTH_METADATA);
    try {
      if (sha256 == null || length == null) {
        throw new CiphertextStoreException(blobId, Reason.CORRUPT,
            "object s3://" + bucket + "/" + key + " has no " + SHA256_METADATA + "/" + LENGTH_METADATA + " metadata");
      }
      return new VerifyingInputStream(blobId, in, HexFormat.of().parseHex(sha256), Long.parseLong(length));
    } catch (IllegalArgumentException e) {
      in.abort();
      throw new CiphertextStoreException(blobId, Reason.CORRUPT, "malformed integrity metadata: " + e.getMessage(), e);
    } catch (CiphertextStoreException e) {
      in.abort();
      throw e;
    }
  }

  @Override
  public boolean exists(String blobId) {
    String key = key(blobId);
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw backend(blobId, "exists", e);
    } catch (RuntimeException e) {
      throw backend(blobId, "exists", e);
    }
  }

  @Override
  public boolean delete(String blobId) {
    boolean existed = exists(blobId);
    String key = key(blobId);
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (RuntimeException e) {
      throw backend(blobId, "delete", e);
    }
    return existed;
  }

  /** Nothing to release: the S3 client belongs to the caller. */
  @Override
  public void close() {
  }

  private CiphertextStoreException backend(String blobId, String operation, Exception e) {
    return new CiphertextStoreException(blobId, Reason.BACKEND,
        operation + " on s3://" + bucket + "/" + prefix + blobId + " failed: " + e.getMessage(), e);
  }
}
