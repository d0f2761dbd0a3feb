package org.homocloud.server.auth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Launch handles in the shared database: what one server mints another resolves, a handle stops working when
 * it expires, and the table holds only digests of handles.
 */
class LaunchContextsTest {

    private static final Duration LIFETIME = Duration.ofHours(1);

    private final JdbcTemplate jdbc = database();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));

    @Test
    void aHandleMintedOnOneServer_resolvesOnAnotherSharingTheDatabase() {
        LaunchContexts first = new LaunchContexts(jdbc, clock, LIFETIME);
        LaunchContexts second = new LaunchContexts(jdbc, clock, LIFETIME);

        String handle = first.create("patient-1", "encounter-7");

        assertThat(second.resolve(handle)).contains(new LaunchContexts.LaunchContext("patient-1", "encounter-7"));
        assertThat(second.resolve(first.create("patient-2", null)))
                .contains(new LaunchContexts.LaunchContext("patient-2", null));
        assertThat(second.resolve("made-up")).isEmpty();
        assertThat(second.resolve(null)).isEmpty();
    }

    @Test
    void aHandleExpiresAfterItsLifetime_andItsRowIsRemoved() {
        LaunchContexts launches = new LaunchContexts(jdbc, clock, LIFETIME);
        String handle = launches.create("patient-1", null);

        clock.advance(LIFETIME);
        assertThat(launches.resolve(handle)).as("at the end of its lifetime").isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(launches.resolve(handle)).as("past its lifetime").isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hc_launch_context", Integer.class)).isZero();
    }

    @Test
    void theTableHoldsADigest_notTheHandle() {
        String handle = new LaunchContexts(jdbc, clock, LIFETIME).create("patient-1", "encounter-7");

        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM hc_launch_context");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).values()).noneMatch(value -> String.valueOf(value).contains(handle));
        assertThat(handle).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void idsThatAreNotFhirIds_areRefused() {
        LaunchContexts launches = new LaunchContexts(jdbc, clock, LIFETIME);

        assertThatThrownBy(() -> launches.create("", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("patient id");
        assertThatThrownBy(() -> launches.create("a".repeat(65), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> launches.create("Patient/1", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> launches.create("1", "x y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encounter");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hc_launch_context", Integer.class)).isZero();
    }

    private static JdbcTemplate database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:launch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        AuthorizationTables.create(dataSource);
        return new JdbcTemplate(dataSource);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
