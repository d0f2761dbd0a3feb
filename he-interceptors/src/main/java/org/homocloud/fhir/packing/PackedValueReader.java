package org.homocloud.fhir.packing;

import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Reads one record's encrypted value for a reader authorized for that record only: the ciphertext holding
 * its slot (a part not yet repacked, or the group's packed ciphertext), then {@link KeySetEngine#isolate
 * isolated} to that slot, so no other record's value travels with it.
 */
public final class PackedValueReader {

  private final PackingIndex index;
  private final CiphertextStore store;
  private final KeySetEngines engines;

  public PackedValueReader(PackingIndex index, CiphertextStore store, KeySetEngines engines) {
    this.index = index;
    this.store = store;
    this.engines = engines;
  }

  /**
   * The isolated ciphertext of the value at {@code location}.
   *
   * @throws IllegalArgumentException if the group is unknown or belongs to another key-set version
   * @throws CiphertextStoreException if the ciphertext is missing or corrupt
   */
  public Ciphertext isolated(ValueLocation location) {
    KeySetEngine engine = engines.version(location.keySetId(), location.keySetVersion());
    try {
      return engine.isolate(load(engine, location), new int[] {location.slot()});
    } catch (CiphertextStoreException e) {
      if (e.reason() != CiphertextStoreException.Reason.MISSING) {
        throw e;
      }
      // A repacker may have folded the part in and deleted it between our index read and the blob read.
      return engine.isolate(load(engine, location), new int[] {location.slot()});
    }
  }

  /**
   * The whole group as one ciphertext: its packed ciphertext plus the parts not yet folded in, summed here
   * without storing the sum (the repacker does that). For the encrypted operations, never for a reader.
   */
  public Ciphertext groupCiphertext(KeySetEngine engine, String groupId) {
    PackingGroup group = index.group(groupId).orElseThrow(() -> new IllegalArgumentException(
        "no packing group '" + groupId + "'"));
    for (int attempt = 0; ; attempt++) {
      try {
        Ciphertext sum = group.packedBlob() == null ? null : engine.codec().fromBytes(store.get(group.packedBlob()));
        for (PackingPart part : index.parts(groupId)) {
          Ciphertext ct = engine.codec().fromBytes(store.get(part.blobId()));
          sum = sum == null ? ct : engine.add(sum, ct);
        }
        if (sum == null) {
          throw new CiphertextStoreException("group " + groupId, CiphertextStoreException.Reason.MISSING,
              "the group holds no ciphertext");
        }
        return sum;
      } catch (CiphertextStoreException e) {
        if (e.reason() != CiphertextStoreException.Reason.MISSING || attempt > 0) {
          throw e;
        }
        group = index.group(groupId).orElseThrow(); // a repacker swapped blobs meanwhile: read the index again
      }
    }
  }

  private Ciphertext load(KeySetEngine engine, ValueLocation location) {
    PackingGroup group = index.group(location.groupId()).orElseThrow(() -> new IllegalArgumentException(
        "no packing group '" + location.groupId() + "'"));
    if (!group.keySetId().equals(location.keySetId()) || group.keySetVersion() != location.keySetVersion()) {
      throw new IllegalArgumentException("packing group '" + location.groupId() + "' belongs to key set '"
          + group.keySetId() + "' version " + group.keySetVersion());
    }
    if (location.slot() < 0 || location.slot() >= group.slotCount()) {
      throw new IllegalArgumentException("slot " + location.slot() + " is outside group '" + location.groupId()
          + "' (" + group.slotCount() + " slots)");
    }
    String blobId = index.partHolding(location.groupId(), location.slot()).map(PackingPart::blobId)
        .orElse(group.packedBlob());
    if (blobId == null) {
      throw new CiphertextStoreException("group " + location.groupId(), CiphertextStoreException.Reason.MISSING,
          "no ciphertext holds slot " + location.slot());
    }
    return engine.codec().fromBytes(store.get(blobId));
  }
}
