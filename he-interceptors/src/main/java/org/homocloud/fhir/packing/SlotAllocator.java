package org.homocloud.fhir.packing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hands out slots of server packing groups, in order, to the values each request encrypts. Each server
 * instance fills groups of its own (created with a fresh id when the previous one is full, or after a
 * restart), so several servers sharing a database never hand out the same slot and need no lock on a
 * shared counter. The cost of a restart is a partly filled group. Thread-safe.
 */
public final class SlotAllocator {

  private final PackingIndex index;
  private final Map<String, OpenGroup> open = new HashMap<>();

  public SlotAllocator(PackingIndex index) {
    this.index = index;
  }

  /** {@code count} consecutive slots, possibly across two or more groups, under the engine's key-set version. */
  public synchronized List<SlotRange> allocate(KeySetEngine engine, int count) {
    String key = engine.version().keySetId() + "#" + engine.version().version();
    List<SlotRange> ranges = new ArrayList<>();
    int remaining = count;
    while (remaining > 0) {
      OpenGroup group = open.get(key);
      if (group == null || group.nextSlot == group.slotCount) {
        group = openGroup(engine);
        open.put(key, group);
      }
      int taken = Math.min(remaining, group.slotCount - group.nextSlot);
      ranges.add(new SlotRange(group.groupId, group.nextSlot, taken));
      group.nextSlot += taken;
      remaining -= taken;
    }
    return ranges;
  }

  private OpenGroup openGroup(KeySetEngine engine) {
    String groupId = "g-" + UUID.randomUUID();
    index.insertGroup(new PackingGroup(groupId, engine.version().keySetId(), engine.version().version(),
        PackingGroup.Origin.SERVER, engine.slotCount(), null));
    return new OpenGroup(groupId, engine.slotCount());
  }

  /** Slots {@code [firstSlot, firstSlot + count)} of a group. */
  public record SlotRange(String groupId, int firstSlot, int count) {}

  private static final class OpenGroup {
    final String groupId;
    final int slotCount;
    int nextSlot;

    OpenGroup(String groupId, int slotCount) {
      this.groupId = groupId;
      this.slotCount = slotCount;
    }
  }
}
