package org.homocloud.fhir.packing;

/**
 * A ciphertext written at ingest that holds values in slots {@code [firstSlot, firstSlot + slotCount)} of its
 * group and zeros elsewhere; durable at once, summed into the group's packed ciphertext later.
 */
public record PackingPart(String blobId, String groupId, int firstSlot, int slotCount) {

  /** Whether {@code slot} is one of this part's slots. */
  public boolean holds(int slot) {
    return slot >= firstSlot && slot < firstSlot + slotCount;
  }
}
