package dev.p2pchat.directory.signal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** An instance refuses to start with room for more channels than its web server has connections. */
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
}
