package org.homocloud.fhir.packing;

import java.util.List;
import java.util.UUID;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.CiphertextStoreException;
import org.homocloud.he.rlwe.Ciphertext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings server packing groups to their packed form: the group's packed ciphertext (if any) plus all its
 * parts, summed homomorphically (their used slots are disjoint, so the sum holds every value in its slot),
 * becomes the new packed ciphertext; then the parts are forgotten and their blobs deleted. No key, no
 * plaintext: additions only, about 0.1 ms each; the price is noise, which grows with the square root of
 * the number of parts summed (6.5 bits for 8,192 single-value parts).
 *
 * <p>Safe against crashes and other repackers: the new packed blob is durable before the index swaps to it
 * in one transaction (guarded by the previous packed blob id, under a lease); a crash before the swap
 * leaves an unreferenced blob. Superseded blobs (the old packed one, the parts) are deleted only a grace
 * period later ({@link #GARBAGE_GRACE_MILLIS}), so that a database that loses its newest commits in a crash
 * still finds the blobs it points at. Readers that raced a deletion retry.
 */
public final class Repacker {

  private static final Logger LOG = LoggerFactory.getLogger(Repacker.class);
  private static final long LEASE_MILLIS = 10 * 60_000L;
  /** How long a superseded blob is kept; far beyond any database's commit-to-disk delay. */
  public static final long GARBAGE_GRACE_MILLIS = 60_000L;

  private final PackingIndex index;
  private final CiphertextStore store;
  private final KeySetEngines engines;

  public Repacker(PackingIndex index, CiphertextStore store, KeySetEngines engines) {
    this.index = index;
    this.store = store;
    this.engines = engines;
  }

  /** Repacks every group that has parts to fold in; returns how many groups were repacked. */
  public int repackAll() {
    collectGarbage(GARBAGE_GRACE_MILLIS);
    int repacked = 0;
    List<String> groups;
    do {
      groups = index.groupsToRepack(100);
      int before = repacked;
      for (String groupId : groups) {
        if (repack(groupId)) {
          repacked++;
        }
      }
      if (repacked == before) {
        break; // every candidate is leased elsewhere or changed under us
      }
    } while (groups.size() == 100);
    return repacked;
  }

  /** Repacks one group; false if another repacker holds it or it has nothing to fold in. */
  public boolean repack(String groupId) {
    if (!index.lease(groupId, LEASE_MILLIS)) {
      return false;
    }
    PackingGroup group = index.group(groupId).orElseThrow();
    List<PackingPart> parts = index.parts(groupId);
    if (parts.isEmpty() || (parts.size() == 1 && group.packedBlob() == null)) {
      index.swapPacked(groupId, group.packedBlob(), group.packedBlob(), List.of()); // just release the lease
      return false;
    }
    KeySetEngine engine = engines.version(group.keySetId(), group.keySetVersion());
    Ciphertext sum = group.packedBlob() == null ? null : engine.codec().fromBytes(store.get(group.packedBlob()));
    for (PackingPart part : parts) {
      Ciphertext ct = engine.codec().fromBytes(store.get(part.blobId()));
      sum = sum == null ? ct : engine.add(sum, ct);
    }
    String packedBlob = groupId + ".packed." + UUID.randomUUID();
    store.put(packedBlob, engine.codec().toBytes(sum));
    if (!index.swapPacked(groupId, group.packedBlob(), packedBlob, parts)) {
      deleteQuietly(packedBlob);
      return false;
    }
    LOG.debug("repacked group {}: {} parts folded in", groupId, parts.size());
    return true;
  }

  /** Deletes blobs superseded more than {@code graceMillis} ago; returns how many. */
  public int collectGarbage(long graceMillis) {
    int deleted = 0;
    for (String blobId : index.garbageOlderThan(graceMillis)) {
      if (deleteQuietly(blobId)) {
        index.forgetGarbage(blobId);
        deleted++;
      }
    }
    return deleted;
  }

  private boolean deleteQuietly(String blobId) {
    try {
      store.delete(blobId);
      return true;
    } catch (CiphertextStoreException e) {
      // An undeleted blob costs space, never correctness: nothing refers to it any more.
      LOG.warn("could not delete blob {} after repacking: {}", blobId, e.getMessage());
      return false;
    }
  }
}
