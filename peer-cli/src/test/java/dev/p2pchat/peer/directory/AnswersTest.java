package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Directory answers are checked as hostile input; the lying-directory end-to-end test drives the CLI. */
class AnswersTest {

    private static final String KEY = "ab".repeat(32);
    private final Answers remote = new Answers(URI.create("https://203.0.113.10:8443"));
    private final Answers local = new Answers(URI.create("http://localhost:8080"));

    private static Directory.Peer peer(String name, String host, Integer port) {
        return new Directory.Peer(name, true, host, port, KEY, Instant.EPOCH, null, null);
    }

    @Test
    void theSameNameInAnotherLetterCaseIsTheSameAccount() throws DirectoryException {
        assertThat(remote.peer(peer("Alice", "198.51.100.7", 7000), "alice").username()).isEqualTo("Alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "169.254.1.2", "fe80::1", "224.0.0.1",
            "localhost"})
    void aRemoteDirectoryMayNotSendUsToThisMachineOrTheLocalLink(String host) {
        assertThatThrownBy(() -> remote.peer(peer("alice", host, 7000), "alice"))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("on this machine or its local link")
                .extracting(e -> ((DirectoryException) e).kind()).isEqualTo(DirectoryException.Kind.BAD_ANSWER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "198.51.100.7", "2001:db8::7", "peer.example"})
    void aDirectoryOnThisMachineMaySendAnyAddress(String host) throws DirectoryException {
        assertThat(local.peer(peer("alice", host, 7000), "alice").host()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7", "2001:db8::7", "10.0.0.2", "peer.example", "peer.example."})
    void ordinaryAddressesAndNamesPass(String host) throws DirectoryException {
        assertThat(remote.peer(peer("alice", host, 7000), "alice").host()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "256.1.1.1", "1.2.3.4:80", "[::1]", "-peer.example", "peer..example",
            "x;rm -rf", "1.2.3", "g::1", "\u00e9xample.org"})
    void malformedHostsAreRefused(String host) {
        assertThatThrownBy(() -> local.peer(peer("alice", host, 7000), "alice"))
                .hasMessageContaining("neither an IP address nor a host name");
    }

    @Test
    void aLoginAnswerForAnotherNameOrWithAMalformedTokenIsRefused() {
        Instant later = Instant.now().plusSeconds(60);
        assertThatThrownBy(() -> remote.session(new Directory.Session("t".repeat(43), "mallory", later), "alice"))
                .hasMessageContaining("an answer for 'mallory' to the login of 'alice'");
        assertThatThrownBy(() -> remote.session(new Directory.Session("a b\n", "alice", later), "alice"))
                .hasMessageContaining("malformed token");
        assertThatThrownBy(() -> remote.session(new Directory.Session("t".repeat(43), "alice", null), "alice"))
                .hasMessageContaining("no expiry");
    }

    @Test
    void aPageLongerThanAskedOrWithInvalidNamesIsRefused() {
        var one = new Directory.PeerSummary("alice", Instant.EPOCH);
        assertThatThrownBy(() -> remote.page(new Directory.PeerPage(List.of(one, one), null), 1))
                .hasMessageContaining("2 peers where at most 1");
        assertThatThrownBy(() -> remote.page(new Directory.PeerPage(
                List.of(new Directory.PeerSummary("\u001b[2J", Instant.EPOCH)), null), 10))
                .hasMessageContaining("invalid username");
        assertThatThrownBy(() -> remote.page(new Directory.PeerPage(List.of(one), "../x"), 10))
                .hasMessageContaining("invalid cursor");
    }

    @Test
    void aPresenceAnswerForAnotherPortIsRefused() {
        assertThatThrownBy(() -> remote.presence(new Directory.Presence("alice", "198.51.100.7", 7001, Instant.EPOCH), 7000))
                .hasMessageContaining("port 7001 for the presence published on port 7000");
    }
}
