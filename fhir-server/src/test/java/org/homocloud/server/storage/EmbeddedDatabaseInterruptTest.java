package org.homocloud.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * Spring, HAPI's schedulers and Batch2 interrupt their threads when they stop or cancel work, sometimes in the
 * middle of a JDBC call. By default H2 reads and writes its file through a channel that Java closes on
 * {@code Thread.interrupt()}, and H2 then closes the whole embedded database for the JVM. The URL from
 * {@link StorageProperties#jdbcUrl()} must keep the database open, and every acknowledged commit, however often
 * the writing thread is interrupted.
 */
class EmbeddedDatabaseInterruptTest {

    private Path dataDir;

    @AfterEach
    void removeDataDir() {
        if (dataDir != null) {
            FileSystemUtils.deleteRecursively(dataDir.toFile());
        }
    }

    @Test
    void interruptingAWritingThread_leavesTheDatabaseOpen_andKeepsEveryAcknowledgedCommit() throws Exception {
        dataDir = Files.createTempDirectory("homocloud-h2-interrupt-");
        String url = new StorageProperties(StorageProperties.Database.H2, dataDir, "", "", "", 1).jdbcUrl();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failedWrites = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();

        // A connection held open by the test keeps the embedded database alive between the writer's connections.
        try (Connection keeper = DriverManager.getConnection(url, "sa", "")) {
            try (Statement ddl = keeper.createStatement()) {
                ddl.execute("CREATE TABLE acknowledged_write (id INT PRIMARY KEY, payload VARCHAR(200))");
            }
            Thread writer = new Thread(() -> writeUntilStopped(url, stop, acknowledged, failedWrites), "interrupted-writer");
            writer.start();
            for (int i = 0; i < 400 && writer.isAlive(); i++) {
                writer.interrupt();
                Thread.sleep(5);
            }
            stop.set(true);
            writer.join(30_000);

            int stored = countRows(keeper);
            System.out.printf("H2 under interrupts: %d commits acknowledged, %d writes failed, %d rows stored%n",
                    acknowledged.get(), failedWrites.get(), stored);
            assertThat(acknowledged.get()).as("commits made while being interrupted").isGreaterThan(0);
            assertThat(stored).as("rows of acknowledged commits").isEqualTo(acknowledged.get());
        }
        // Reopened after every connection closed, as a restarted server would open it.
        try (Connection reopened = DriverManager.getConnection(url, "sa", "")) {
            assertThat(countRows(reopened)).isEqualTo(acknowledged.get());
        }
    }

    private static void writeUntilStopped(String url, AtomicBoolean stop, AtomicInteger acknowledged,
                                          AtomicInteger failedWrites) {
        int id = 0;
        while (!stop.get()) {
            try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
                connection.setAutoCommit(false);
                while (!stop.get()) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO acknowledged_write (id, payload) VALUES (?, ?)")) {
                        insert.setInt(1, id);
                        insert.setString(2, "x".repeat(200));
                        insert.executeUpdate();
                    }
                    connection.commit();
                    acknowledged.incrementAndGet();
                    id++;
                    Thread.interrupted();
                }
            } catch (SQLException e) {
                // A write refused because of the interrupt is not acknowledged; it must not take the database down.
                failedWrites.incrementAndGet();
                Thread.interrupted();
                id++;
            }
        }
    }

    private static int countRows(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT COUNT(*) FROM acknowledged_write")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
