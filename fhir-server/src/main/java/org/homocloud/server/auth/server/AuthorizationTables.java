package org.homocloud.server.auth.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The authorization server's tables in the FHIR database: issued authorizations (codes, access and refresh
 * tokens with their launch context), consents, the client-assertion {@code jti}s already used, and EHR launch
 * handles. They live
 * in the shared database rather than in memory so that a refresh token, an introspection or a replayed
 * assertion gets the same answer after a restart and on every server behind the same database.
 *
 * <p>The first two are Spring Authorization Server's own schema ({@code oauth2-authorization-schema.sql}),
 * with its {@code blob} columns as {@code text} on PostgreSQL, which has no {@code blob} (the schema's own note).
 */
final class AuthorizationTables {

    private AuthorizationTables() {}

    static void create(DataSource dataSource) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (Statement statement = connection.createStatement()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            String blob = postgres ? "text" : "blob";
            statement.execute(authorizationTable(blob));
            statement.execute("CREATE TABLE IF NOT EXISTS oauth2_authorization_consent ("
                    + "registered_client_id varchar(100) NOT NULL, principal_name varchar(200) NOT NULL, "
                    + "authorities varchar(1000) NOT NULL, PRIMARY KEY (registered_client_id, principal_name))");
            // The key is a digest of client id and jti: a jti may be any length a client chooses.
            statement.execute("CREATE TABLE IF NOT EXISTS hc_assertion_jti ("
                    + "client_jti_sha256 char(64) PRIMARY KEY, expires_at bigint NOT NULL)");
            statement.execute("CREATE INDEX IF NOT EXISTS hc_assertion_jti_expiry ON hc_assertion_jti (expires_at)");
            // EHR launch handles, by digest (see LaunchContexts); a patient or encounter id is at most 64 characters.
            statement.execute("CREATE TABLE IF NOT EXISTS hc_launch_context ("
                    + "handle_sha256 char(64) PRIMARY KEY, patient varchar(64) NOT NULL, encounter varchar(64), "
                    + "expires_at bigint NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the authorization server's tables: " + e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private static String authorizationTable(String blob) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS oauth2_authorization ("
                + "id varchar(100) NOT NULL, registered_client_id varchar(100) NOT NULL, "
                + "principal_name varchar(200) NOT NULL, authorization_grant_type varchar(100) NOT NULL, "
                + "authorized_scopes varchar(1000) DEFAULT NULL, attributes " + blob + " DEFAULT NULL, "
                + "state varchar(500) DEFAULT NULL, ");
        for (String token : new String[] {"authorization_code", "access_token", "oidc_id_token", "refresh_token",
                "user_code", "device_code"}) {
            ddl.append(token).append("_value ").append(blob).append(" DEFAULT NULL, ")
                    .append(token).append("_issued_at timestamp DEFAULT NULL, ")
                    .append(token).append("_expires_at timestamp DEFAULT NULL, ")
                    .append(token).append("_metadata ").append(blob).append(" DEFAULT NULL, ");
            if (token.equals("access_token")) {
                ddl.append("access_token_type varchar(100) DEFAULT NULL, access_token_scopes varchar(1000) DEFAULT NULL, ");
            }
        }
        return ddl.append("PRIMARY KEY (id))").toString();
    }
}
