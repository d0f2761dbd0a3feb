package org.homocloud.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.homocloud.server.auth.server.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void firstStart_createsOneOwnerOnlyKey_andReloadKeepsIt() throws Exception {
        Path file = dir.resolve("signing-keys.jwks.json");

        SigningKeys first = SigningKeys.load(file, Duration.ofDays(90), Clock.systemUTC());
        SigningKeys again = SigningKeys.load(file, Duration.ofDays(90), Clock.systemUTC());

        assertThat(first.all().getKeys()).hasSize(1);
        assertThat(again.activeKey().getKeyID()).isEqualTo(first.activeKey().getKeyID());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void rotation_newKeySigns_oldKeysStayPublished_atMostTwoRetired() {
        Path file = dir.resolve("signing-keys.jwks.json");
        SigningKeys keys = SigningKeys.load(file, Duration.ofDays(90), Clock.systemUTC());
        String first = keys.activeKey().getKeyID();

        keys.rotate();
        keys.rotate();
        keys.rotate();

        assertThat(keys.activeKey().getKeyID()).isNotEqualTo(first);
        assertThat(keys.all().getKeys()).hasSize(3);
        assertThat(keys.all().getKeyByKeyId(first)).isNull();
    }

    @Test
    void loadAfterRotationPeriod_rotates() {
        Path file = dir.resolve("signing-keys.jwks.json");
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        String first = SigningKeys.load(file, Duration.ofDays(90), Clock.fixed(start, ZoneOffset.UTC)).activeKey().getKeyID();

        SigningKeys later = SigningKeys.load(file, Duration.ofDays(90),
                Clock.fixed(start.plus(Duration.ofDays(91)), ZoneOffset.UTC));

        assertThat(later.activeKey().getKeyID()).isNotEqualTo(first);
        assertThat(later.all().getKeyByKeyId(first)).as("the old key still verifies tokens it signed").isNotNull();
    }
}
