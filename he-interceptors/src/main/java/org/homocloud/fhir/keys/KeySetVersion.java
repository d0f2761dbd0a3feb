package org.homocloud.fhir.keys;

import java.util.List;

/**
 * The metadata record of one registered key-set version, stored as JSON in the ciphertext store
 * beside the blobs it describes; writing it is what makes a version visible.
 *
 * @param format version of this record's layout ({@value KeySetRegistry#METADATA_FORMAT})
 * @param keySetId the key set's id
 * @param version 1 for the first registration of an id, then 2, 3, ...
 * @param parametersFingerprint hex of {@code CkksParameters.fingerprint()}
 * @param created ISO-8601 instant of registration
 * @param parameters the serialized parameters
 * @param publicKey the serialized public key
 * @param evaluationKeys the serialized evaluation key set
 * @param relinearizationKey whether the evaluation key set holds a relinearization key
 * @param galoisElements the Galois elements of its Galois keys, ascending
 * @param bootstrappingKeys the serialized bootstrapping key set (engine format, tag 10), or null for a
 *     key set without bootstrapping keys (always null in format-1 records)
 * @param bootstrappingLevelsLeft levels a bootstrapped ciphertext has for computation, or null
 */
public record KeySetVersion(
    int format,
    String keySetId,
    int version,
    String parametersFingerprint,
    String created,
    Blob parameters,
    Blob publicKey,
    Blob evaluationKeys,
    boolean relinearizationKey,
    List<Long> galoisElements,
    Blob bootstrappingKeys,
    Integer bootstrappingLevelsLeft) {

  public KeySetVersion {
    galoisElements = List.copyOf(galoisElements);
  }

  /** Whether this version carries bootstrapping keys (can refresh ciphertexts: logistic regression). */
  public boolean bootstrappable() {
    return bootstrappingKeys != null;
  }

  /** One stored blob: its id in the ciphertext store, its size and its SHA-256 (hex). */
  public record Blob(String blobId, long size, String sha256) {
  }
}
