package dev.p2pchat.directory.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayRequestTest {

    @Test
    void observeAndJoinParse() {
        assertThat(RelayRequest.parse("p2pchat-relay/1 observe")).isInstanceOf(RelayRequest.Observe.class);
        assertThat(RelayRequest.parse("p2pchat-relay/1 join abc_-9 dialer"))
                .isEqualTo(new RelayRequest.Join("abc_-9", RelayRequest.Role.DIALER));
        assertThat(RelayRequest.parse("p2pchat-relay/1 join abc listener"))
                .isEqualTo(new RelayRequest.Join("abc", RelayRequest.Role.LISTENER));
    }

    @Test
    void anythingElseIsJunk() {
        for (String line : new String[] {"", "observe", "p2pchat-relay/2 observe", "p2pchat-relay/1 observe ",
                "p2pchat-relay/1 join abc", "p2pchat-relay/1 join abc both", "p2pchat-relay/1 join a+b dialer",
                "p2pchat-relay/1 join abc dialer extra", "P2PCHAT-RELAY/1 observe", "p2pchat-relay/1  observe"}) {
            assertThat(RelayRequest.parse(line)).as(line).isNull();
        }
    }
}
