package org.homocloud.fhir.packing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where packing groups and their parts are recorded: two small tables in the server's own database
 * (H2, PostgreSQL or SQLite; plain JDBC, portable SQL), so that several servers sharing a database share
 * the index. Nothing here is secret: ids, slot ranges and blob names.
 *
 * <p>Rows are written with auto-commit on connections of their own, never inside HAPI's transaction: a part
 * row exists once its blob is durable, whether or not the request that wrote it commits (a rolled-back
 * request leaves slots no Observation refers to, harmless zeros-to-be-ignored in the packed form).
 */
public final class PackingIndex {

  private static final String[] SCHEMA = {
      "CREATE TABLE IF NOT EXISTS hc_packing_group ("
          + "group_id VARCHAR(64) PRIMARY KEY, key_set VARCHAR(64) NOT NULL, key_set_version INTEGER NOT NULL, "
          + "origin VARCHAR(16) NOT NULL, slot_count INTEGER NOT NULL, packed_blob VARCHAR(200), "
          + "created_at BIGINT NOT NULL, lease_until BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS hc_packing_part ("
          + "blob_id VARCHAR(200) PRIMARY KEY, group_id VARCHAR(64) NOT NULL, first_slot INTEGER NOT NULL, "
          + "slot_count INTEGER NOT NULL, created_at BIGINT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS hc_packing_part_group ON hc_packing_part (group_id)",
      "CREATE TABLE IF NOT EXISTS hc_packing_garbage (blob_id VARCHAR(200) PRIMARY KEY, superseded_at BIGINT NOT NULL)"
  };

  private final DataSource dataSource;

  /** An index over {@code dataSource}, creating its tables if they are missing. */
  public PackingIndex(DataSource dataSource) {
    this.dataSource = dataSource;
    createSchema();
  }

  private void createSchema() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String ddl : SCHEMA) {
        s.execute(ddl);
      }
    } catch (SQLException e) {
      throw new PackingIndexException("could not create the packing index tables: " + e.getMessage(), e);
    }
  }

  public void insertGroup(PackingGroup group) {
    update("insert packing group " + group.groupId(),
        "INSERT INTO hc_packing_group (group_id, key_set, key_set_version, origin, slot_count, packed_blob, "
            + "created_at, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        group.groupId(), group.keySetId(), group.keySetVersion(), group.origin().name(), group.slotCount(),
        group.packedBlob(), System.currentTimeMillis());
  }

  public Optional<PackingGroup> group(String groupId) {
    List<PackingGroup> groups = queryGroups("SELECT * FROM hc_packing_group WHERE group_id = ?", groupId);
    return groups.stream().findFirst();
  }

  /** Records a part after its blob is durable. */
  public void insertPart(PackingPart part) {
    update("insert packing part " + part.blobId(),
        "INSERT INTO hc_packing_part (blob_id, group_id, first_slot, slot_count, created_at) VALUES (?, ?, ?, ?, ?)",
        part.blobId(), part.groupId(), part.firstSlot(), part.slotCount(), System.currentTimeMillis());
  }

  public List<PackingPart> parts(String groupId) {
    String what = "read the parts of group " + groupId;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT blob_id, group_id, first_slot, slot_count FROM hc_packing_part WHERE group_id = ? ORDER BY first_slot")) {
      s.setString(1, groupId);
      List<PackingPart> parts = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          parts.add(new PackingPart(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
        }
      }
      return parts;
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** The part of {@code groupId} that holds {@code slot}, if the slot is not yet in the packed ciphertext. */
  public Optional<PackingPart> partHolding(String groupId, int slot) {
    String what = "find the part holding slot " + slot + " of group " + groupId;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT blob_id, group_id, first_slot, slot_count FROM hc_packing_part "
            + "WHERE group_id = ? AND first_slot <= ? AND first_slot + slot_count > ?")) {
      s.setString(1, groupId);
      s.setInt(2, slot);
      s.setInt(3, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new PackingPart(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Server groups worth repacking: two or more parts, or a packed blob and at least one part; not leased
   * by another repacker.
   */
  public List<String> groupsToRepack(int limit) {
    String what = "find groups to repack";
    String sql = "SELECT g.group_id FROM hc_packing_group g JOIN hc_packing_part p ON p.group_id = g.group_id "
        + "WHERE g.origin = 'SERVER' AND g.lease_until < ? GROUP BY g.group_id, g.packed_blob "
        + "HAVING COUNT(*) >= 2 OR (COUNT(*) >= 1 AND g.packed_blob IS NOT NULL) ORDER BY g.group_id";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, System.currentTimeMillis());
      s.setMaxRows(limit);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** Takes the repacking lease on a group for {@code millis}; false if another repacker holds it. */
  public boolean lease(String groupId, long millis) {
    long now = System.currentTimeMillis();
    return update("lease group " + groupId,
        "UPDATE hc_packing_group SET lease_until = ? WHERE group_id = ? AND lease_until < ?",
        now + millis, groupId, now) == 1;
  }

  /**
   * In one transaction: makes {@code packedBlob} the group's packed ciphertext, forgets the {@code consumed}
   * parts (now inside it), records their blobs and {@code previous} as garbage to delete later (see
   * {@link #garbageOlderThan}) and releases the lease; only if the group's packed blob is still {@code previous}.
   *
   * @return whether the swap happened (false: another repacker got there first; nothing changed)
   */
  public boolean swapPacked(String groupId, String previous, String packedBlob, List<PackingPart> consumed) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String sql = previous == null
            ? "UPDATE hc_packing_group SET packed_blob = ?, lease_until = 0 WHERE group_id = ? AND packed_blob IS NULL"
            : "UPDATE hc_packing_group SET packed_blob = ?, lease_until = 0 WHERE group_id = ? AND packed_blob = ?";
        int changed;
        try (PreparedStatement s = c.prepareStatement(sql)) {
          s.setString(1, packedBlob);
          s.setString(2, groupId);
          if (previous != null) {
            s.setString(3, previous);
          }
          changed = s.executeUpdate();
        }
        if (changed != 1) {
          c.rollback();
          return false;
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM hc_packing_part WHERE blob_id = ?")) {
          for (PackingPart part : consumed) {
            s.setString(1, part.blobId());
            s.addBatch();
          }
          s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO hc_packing_garbage (blob_id, superseded_at) VALUES (?, ?)")) {
          long now = System.currentTimeMillis();
          for (PackingPart part : consumed) {
            s.setString(1, part.blobId());
            s.setLong(2, now);
            s.addBatch();
          }
          if (previous != null && !previous.equals(packedBlob)) {
            s.setString(1, previous);
            s.setLong(2, now);
            s.addBatch();
          }
          s.executeBatch();
        }
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new PackingIndexException("could not swap in the packed ciphertext of group " + groupId + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Blobs superseded more than {@code millis} ago. They are deleted only then, never right after the swap:
   * a database that loses its last commits in a crash (H2 with a write delay, a failed-over replica) would
   * otherwise point back at blobs already gone; after the grace period the swap is durable everywhere.
   */
  public List<String> garbageOlderThan(long millis) {
    String what = "read superseded blobs";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT blob_id FROM hc_packing_garbage WHERE superseded_at < ?")) {
      s.setLong(1, System.currentTimeMillis() - millis);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** Forgets a superseded blob once it is deleted. */
  public void forgetGarbage(String blobId) {
    update("forget superseded blob " + blobId, "DELETE FROM hc_packing_garbage WHERE blob_id = ?", blobId);
  }

  /** Totals for benchmarks and operators: groups, parts, and values (slots of all groups). */
  public Totals totals() {
    String what = "count packing groups";
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet groups = s.executeQuery("SELECT COUNT(*), COUNT(packed_blob) FROM hc_packing_group")) {
      groups.next();
      long groupCount = groups.getLong(1);
      long packedCount = groups.getLong(2);
      try (ResultSet parts = s.executeQuery("SELECT COUNT(*) FROM hc_packing_part")) {
        parts.next();
        return new Totals(groupCount, packedCount, parts.getLong(1));
      }
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** How much the index holds. */
  public record Totals(long groups, long packedGroups, long parts) {}

  private List<PackingGroup> queryGroups(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      List<PackingGroup> groups = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          groups.add(new PackingGroup(rs.getString("group_id"), rs.getString("key_set"), rs.getInt("key_set_version"),
              PackingGroup.Origin.valueOf(rs.getString("origin")), rs.getInt("slot_count"), rs.getString("packed_blob")));
        }
      }
      return groups;
    } catch (SQLException e) {
      throw new PackingIndexException("could not read packing groups: " + e.getMessage(), e);
    }
  }

  private int update(String what, String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new PackingIndexException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        s.setNull(i + 1, Types.VARCHAR); // PostgreSQL needs the type of a null
      } else {
        s.setObject(i + 1, args[i]);
      }
    }
  }
}
