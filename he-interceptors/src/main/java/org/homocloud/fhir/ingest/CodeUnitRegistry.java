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
 * mg/dL with mmol/L could never be detected afterwards: the check has to happen at ingest. Codes are keyed
 * by {@code system|code} of the (component) code; units by {@link UnitKeys} (UCUM canonical form, so
 * {@code mL/min} and {@code mL/min/{1.73_m2}} are the same unit, {@code kg} and {@code [lb_av]} are not).
 */
public final class CodeUnitRegistry {

  private final DataSource dataSource;
  private final Map<String, Unit> cache = new ConcurrentHashMap<>();

  public CodeUnitRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS hc_code_unit (code_key VARCHAR(400) PRIMARY KEY, "
          + "unit_key VARCHAR(400) NOT NULL, unit_display VARCHAR(400) NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the code-unit table: " + e.getMessage(), e);
    }
  }

  /** A unit as compared ({@code key}) and as shown ({@code display}). */
  public record Unit(String key, String display) {}

  /**
   * The unit already recorded for {@code codeKey} if it differs from {@code unit}; otherwise records
   * {@code unit} (when the code is new) and returns empty.
   */
  public Optional<Unit> conflict(String codeKey, Unit unit) {
    Unit known = cache.get(codeKey);
    if (known == null) {
      known = recordOrRead(codeKey, unit);
      cache.put(codeKey, known);
    }
    return known.key().equals(unit.key()) ? Optional.empty() : Optional.of(known);
  }

  private Unit recordOrRead(String codeKey, Unit unit) {
    try (Connection c = dataSource.getConnection()) {
      Optional<Unit> existing = read(c, codeKey);
      if (existing.isPresent()) {
        return existing.get();
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO hc_code_unit (code_key, unit_key, unit_display) VALUES (?, ?, ?)")) {
        s.setString(1, codeKey);
        s.setString(2, unit.key());
        s.setString(3, unit.display());
        s.executeUpdate();
        return unit;
      } catch (SQLException raced) {
        // Another request or server recorded this code first: its unit is the one to compare with.
        return read(c, codeKey).orElseThrow(() -> raced);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not check the unit of code " + codeKey + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Unit> read(Connection c, String codeKey) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT unit_key, unit_display FROM hc_code_unit WHERE code_key = ?")) {
      s.setString(1, codeKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Unit(rs.getString(1), rs.getString(2))) : Optional.empty();
      }
    }
  }
}
