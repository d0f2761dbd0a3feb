package org.homocloud.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the connection pool for HAPI's tables from {@link StorageProperties}. */
@Configuration
public class DataSourceConfig {

    @Bean(destroyMethod = "close")
    public DataSource dataSource(StorageProperties storage) {
        if (storage.database() == StorageProperties.Database.H2) {
            createDirectories(storage);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("hapi");
        config.setDriverClassName(storage.database().driverClassName());
        config.setJdbcUrl(storage.jdbcUrl());
        config.setUsername(storage.database() == StorageProperties.Database.H2 ? "sa" : storage.username());
        config.setPassword(storage.password());
        config.setMaximumPoolSize(storage.maxPoolSize());
        return new HikariDataSource(config);
    }

    private static void createDirectories(StorageProperties storage) {
        try {
            Files.createDirectories(storage.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + storage.dataDir().toAbsolutePath(), e);
        }
    }
}
