package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** CI must not go green with the PostgreSQL tests silently skipped. */
class PostgresInstancesTest {

    @Test
    void anUnreachablePostgresSkipsOnADevelopersMachine() {
        assertThatThrownBy(() -> PostgresInstances.unreachable(null, "connection refused"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("connection refused").hasMessageContaining("skipped");
    }

    @Test
    void anUnreachablePostgresFailsTheRunInCi() {
        assertThatThrownBy(() -> PostgresInstances.unreachable("true", "connection refused"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("connection refused").hasMessageContaining("CI=true");
    }
}
