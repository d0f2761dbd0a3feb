package org.homocloud.fhir.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Remembers the unit of each Observation code, the first time a value arrives under it, and reports a
 * different one later. Encrypted values can no longer be inspected, so a cohort mean that silently mixed
 * mg/dL with mmol/L could never be detected afterwards: the check has to happen at ingest. Keys are
 * {@code system|code} of the (component) code; units are UCUM {@code system|code}, or the unit text.
 */
public final class CodeUnitRegistry {

  private final DataSource dataSource;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  public CodeUnitRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS hc_code_unit (code_key VARCHAR(400) PRIMARY KEY, unit_key VARCHAR(400) NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the code-unit table: " + e.getMessage(), e);
    }
  }

  /**
   * The unit already recorded for {@code codeKey} if it differs from {@code unitKey}; otherwise records
   * {@code unitKey} (when the code is new) and returns empty.
   */
  public Optional<String> conflict(String codeKey, String unitKey) {
    String known = cache.get(codeKey);
    if (known == null) {
      known = recordOrRead(codeKey, unitKey);
      cache.put(codeKey, known);
    }
    return known.equals(unitKey) ? Optional.empty() : Optional.of(known);
  }

  private String recordOrRead(String codeKey, String unitKey) {
    try (Connection c = dataSource.getConnection()) {
      Optional<String> existing = read(c, codeKey);
      if (existing.isPresent()) {
        return existing.get();
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO hc_code_unit (code_key, unit_key) VALUES (?, ?)")) {
        s.setString(1, codeKey);
        s.setString(2, unitKey);
        s.executeUpdate();
        return unitKey;
      } catch (SQLException raced) {
        // Another request or server recorded this code first: its unit is the one to compare with.
        return read(c, codeKey).orElseThrow(() -> raced);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not check the unit of code " + codeKey + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> read(Connection c, String codeKey) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT unit_key FROM hc_code_unit WHERE code_key = ?")) {
      s.setString(1, codeKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
