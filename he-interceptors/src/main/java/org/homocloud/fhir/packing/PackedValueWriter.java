package org.homocloud.fhir.packing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Encrypts the values of one request into packing groups: slots come from the {@link SlotAllocator}, each
 * group's share becomes one part (a ciphertext with those slots set and zeros elsewhere), durable in the
 * ciphertext store and recorded in the index before this returns. A single POST makes a one-value part, a
 * transaction Bundle one part per group it touches; {@link Repacker} later sums parts into one packed
 * ciphertext per group. The plaintexts exist only in this call's arrays.
 */
public final class PackedValueWriter {

  private final SlotAllocator allocator;
  private final PackingIndex index;
  private final CiphertextStore store;

  public PackedValueWriter(SlotAllocator allocator, PackingIndex index, CiphertextStore store) {
    this.allocator = allocator;
    this.index = index;
    this.store = store;
  }

  /** Encrypts {@code values} (already checked against {@link KeySetEngine#MAX_MAGNITUDE}); locations in order. */
  public List<ValueLocation> write(KeySetEngine engine, double[] values) {
    List<ValueLocation> locations = new ArrayList<>(values.length);
    int next = 0;
    for (SlotAllocator.SlotRange range : allocator.allocate(engine, values.length)) {
      double[] share = Arrays.copyOfRange(values, next, next + range.count());
      Ciphertext part = engine.encryptInto(share, range.firstSlot());
      String blobId = range.groupId() + ".part." + UUID.randomUUID();
      store.put(blobId, engine.codec().toBytes(part));
      index.insertPart(new PackingPart(blobId, range.groupId(), range.firstSlot(), range.count()));
      for (int i = 0; i < range.count(); i++) {
        locations.add(new ValueLocation(engine.version().keySetId(), engine.version().version(), range.groupId(),
            range.firstSlot() + i));
      }
      next += range.count();
    }
    return locations;
  }
}
