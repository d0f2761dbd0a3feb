package org.homocloud.fhir.operations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an operation's result ciphertext that is too large to answer inline is kept: a FHIR {@code Binary} on the
 * server that only the requester who asked for the result (or an administrator) may read, removed after a
 * retention period. Implemented over the server's storage.
 */
public interface ResultBinaries {

  /** The tag system of the Binary resources holding results; the code is {@link #RESULT_CODE}. */
  String RESULT_TAG_SYSTEM = "http://homocloud.org/fhir/CodeSystem/operation-result";

  String RESULT_CODE = "ciphertext";

  /** The tag system whose code is the SHA-256 (hex) of the requester a result Binary belongs to. */
  String OWNER_TAG_SYSTEM = "http://homocloud.org/fhir/CodeSystem/operation-result-owner";

  /** The media type of the serialized ciphertext (the engine's ciphertext codec). */
  String CONTENT_TYPE = "application/vnd.homocloud.ckks-ciphertext";

  /**
   * Keeps {@code ciphertext} for {@code owner} (as {@code Requesters#of} names requesters).
   *
   * @return the Binary's relative reference, {@code Binary/ID}
   */
  String store(byte[] ciphertext, String owner);

  /** The owner tag's code for {@code owner}: a digest, so that the tag does not spell out who asked. */
  static String ownerCode(String owner) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
