package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Results of asynchronous operations as FHIR JSON in a table of the server's own database ({@code
 * hc_async_result}), beside Batch2's job tables: every server sharing the database can answer a status URL,
 * results outlive restarts, and removing one really removes it. (A Binary resource would have done the first two,
 * but HAPI keeps a deleted resource's earlier versions unless expunge is enabled, and any client allowed to read
 * Binary could read every job's result.)
 */
public final class JdbcAsyncResultStore implements AsyncResultStore {

  private final DataSource dataSource;
  private final FhirContext fhirContext;

  public JdbcAsyncResultStore(DataSource dataSource, FhirContext fhirContext) {
    this.dataSource = dataSource;
    this.fhirContext = fhirContext;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS hc_async_result (result_id VARCHAR(64) PRIMARY KEY, "
          + "job_id VARCHAR(100) NOT NULL, created TIMESTAMP NOT NULL, body TEXT NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the asynchronous result table: " + e.getMessage(), e);
    }
  }

  @Override
  public String save(String jobId, IBaseResource result) {
    String id = UUID.randomUUID().toString();
    String body = fhirContext.newJsonParser().encodeResourceToString(result);
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "INSERT INTO hc_async_result (result_id, job_id, created, body) VALUES (?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, jobId);
      s.setTimestamp(3, Timestamp.from(Instant.now()));
      s.setString(4, body);
      s.executeUpdate();
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException("could not store the result of job " + jobId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<IBaseResource> load(String resultId) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT body FROM hc_async_result WHERE result_id = ?")) {
      s.setString(1, resultId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(fhirContext.newJsonParser().parseResource(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read asynchronous result " + resultId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String resultId) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "DELETE FROM hc_async_result WHERE result_id = ?")) {
      s.setString(1, resultId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("could not remove asynchronous result " + resultId + ": " + e.getMessage(), e);
    }
  }
}
