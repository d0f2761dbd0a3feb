package org.homocloud.fhir.packing;

/**
 * A slot space: one packed ciphertext's worth of values ({@code slotCount} slots) under one key-set
 * version. Server groups are filled by {@link SlotAllocator} from plaintext ingest and reach their packed
 * form by {@link Repacker}; client groups arrive packed (an imported ciphertext).
 *
 * @param packedBlob the blob holding the group's packed ciphertext, or null while the group has only parts
 */
public record PackingGroup(String groupId, String keySetId, int keySetVersion, Origin origin, int slotCount,
    String packedBlob) {

  /** Who chose the slot layout. */
  public enum Origin {
    /** The server encrypted plaintext values into slots it allocated. */
    SERVER,
    /** A client encrypted and packed the values itself and imported the ciphertext. */
    CLIENT
  }
}
