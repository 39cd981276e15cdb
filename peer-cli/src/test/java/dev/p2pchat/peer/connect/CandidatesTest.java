package dev.p2pchat.peer.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.directory.Signal;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which addresses from signalling and the relay may be dialed: a lying directory's other weapons. */
class CandidatesTest {

    private static final URI REMOTE = URI.create("https://203.0.113.10:8443");
    private static final URI LOCAL = URI.create("http://127.0.0.1:8080");

    private static Signal.Candidate observed(String host) {
        return new Signal.Candidate(host, 40001, Signal.Candidate.OBSERVED);
    }

    @Test
    void aRemoteDirectoryCannotAimOurDialsAtThisMachineOrTheLocalLink() {
        for (String host : new String[] {"127.0.0.1", "::1", "169.254.1.1", "fe80::1", "0.0.0.0", "224.0.0.1"}) {
            assertThat(Candidates.dialable(observed(host), REMOTE, null)).as(host).isFalse();
            assertThat(Candidates.dialable(new Signal.Candidate(host, 1, Signal.Candidate.LOCAL), REMOTE, null)).as(host)
                    .isFalse();
        }
        assertThat(Candidates.dialable(observed("127.0.0.1"), LOCAL, null)).as("a directory on this machine (tests)").isTrue();
    }

    @Test
    void anObservedAddressMustBeWhereTheDirectorySawThatPeer() {
        assertThat(Candidates.dialable(observed("198.51.100.7"), REMOTE, "198.51.100.7")).isTrue();
        assertThat(Candidates.dialable(observed("192.0.2.99"), REMOTE, "198.51.100.7"))
                .as("a third party's address").isFalse();
        assertThat(Candidates.dialable(observed("2001:db8::7"), REMOTE, "2001:db8:0:0:0:0:0:7")).isTrue();
    }

    @Test
    void aRelayOnThisMachineIsRefusedUnlessTheDirectoryIsHereToo() {
        assertThat(Candidates.relay(new Signal.RelayPoint("127.0.0.1", 6379), REMOTE)).isNull();
        assertThat(Candidates.relay(new Signal.RelayPoint(null, 8082), REMOTE))
                .isEqualTo(new InetSocketAddress("203.0.113.10", 8082));
        assertThat(Candidates.relay(new Signal.RelayPoint("127.0.0.1", 8082), LOCAL)).isNotNull();
    }

    @Test
    void anObservedMappingOnThisMachineIsImplausibleFromARemoteRelay() {
        assertThat(Candidates.plausible(new InetSocketAddress("127.0.0.1", 5000), REMOTE)).isFalse();
        assertThat(Candidates.plausible(new InetSocketAddress("198.51.100.7", 5000), REMOTE)).isTrue();
    }

    @Test
    void theSameNetworkIsTheSameOutsideAddress() {
        assertThat(Candidates.sameNetwork("198.51.100.7", "198.51.100.7")).isTrue();
        assertThat(Candidates.sameNetwork("198.51.100.7", null)).isFalse();
        assertThat(Candidates.sameNetwork("2001:db8::1", "2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(Candidates.sameNetwork("198.51.100.7", "198.51.100.8")).isFalse();
    }
}
