package dev.p2pchat.directory.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.env.MockEnvironment;

/**
 * An instance refuses to start with room for more channels than its web server has connections,
 * or on PostgreSQL without a URL its bus can listen with.
 */
class SignalBeansTest {

    private static SignalProperties channels(int max) {
        return new SignalProperties(max, Duration.ofSeconds(20), Duration.ofSeconds(60));
    }

    @Test
    void moreChannelsThanConnectionsIsRefusedNamingBothSettings() {
        MockEnvironment tomcatDefault = new MockEnvironment();
        assertThatThrownBy(() -> SignalBeans.checkConnections(channels(10_000), tomcatDefault))
                .hasMessageContaining("directory.signal.max-channels (10000)")
                .hasMessageContaining("SERVER_TOMCAT_MAXCONNECTIONS, now 8192").hasMessageContaining("11000");
        assertThatThrownBy(() -> SignalBeans.checkConnections(channels(100_000),
                new MockEnvironment().withProperty("server.tomcat.max-connections", "12000")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void enoughConnectionsOrNoLimitStarts() {
        assertThatCode(() -> SignalBeans.checkConnections(channels(10_000),
                new MockEnvironment().withProperty("server.tomcat.max-connections", "12000"))).doesNotThrowAnyException();
        assertThatCode(() -> SignalBeans.checkConnections(channels(100_000),
                new MockEnvironment().withProperty("server.tomcat.max-connections", "-1"))).doesNotThrowAnyException();
    }

    /** A wrapping driver's URL on PostgreSQL would get a bus in memory: the instances would never hear each other. */
    @Test
    void postgresBehindAnotherUrlRefusesToStart() {
        JdbcTemplate postgres = mock(JdbcTemplate.class);
        when(postgres.execute(any(ConnectionCallback.class))).thenReturn(Boolean.TRUE);
        MockEnvironment wrapped = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:otel:postgresql://db.example:5432/p2pchat?password=secret");

        assertThatThrownBy(() -> new SignalBeans().signalBus(wrapped, postgres))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not set to a jdbc:postgresql: URL")
                .hasMessageNotContaining("secret");
    }

    @Test
    void anyOtherDatabaseGetsTheBusInMemory() {
        JdbcTemplate h2 = mock(JdbcTemplate.class);
        when(h2.execute(any(ConnectionCallback.class))).thenReturn(Boolean.FALSE);

        assertThat(new SignalBeans().signalBus(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:h2:file:./data/directory"), h2))
                .isInstanceOf(InMemorySignalBus.class);
    }
}
