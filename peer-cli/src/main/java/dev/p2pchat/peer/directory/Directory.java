package dev.p2pchat.peer.directory;

import java.time.Instant;
import java.util.List;

/** The directory's REST API as the peer uses it (see openapi.yaml). */
public interface Directory {

    record Session(String token, String username, Instant expiresAt) {
    }

    record Presence(String username, String host, int port, Instant expiresAt) {
    }

    record PeerSummary(String username, Instant lastSeen) {
    }

    record PeerPage(List<PeerSummary> peers, String next) {
    }

    /**
     * A looked-up peer. {@code signal}: it has a signalling channel open now (it can be asked to
     * dial back, punch or meet at the relay); {@code addresses}: its own interface addresses for
     * its listening port, to be tried only from the same network. Both are absent from older
     * directories.
     */
    record Peer(String username, boolean online, String host, Integer port, String fingerprint, Instant lastSeen,
                Boolean signal, List<Signal.Candidate> addresses) {

        public boolean reachableBySignal() {
            return Boolean.TRUE.equals(signal);
        }

        public List<Signal.Candidate> localAddresses() {
            return addresses == null ? List.of() : addresses;
        }
    }

    /** Where the directory is (its host is also the relay's, unless the directory names another). */
    java.net.URI base();

    /** Creates an account. The password array is zeroed. */
    String register(String username, char[] password) throws DirectoryException;

    /** Logs in, sending the identity fingerprint. The password array is zeroed. */
    Session login(String username, char[] password, String fingerprint) throws DirectoryException;

    void logout(String token) throws DirectoryException;

    /**
     * Goes online (or renews) on {@code port}; the directory records the address it sees us
     * come from. {@code addresses}: our own interface addresses for that port (at most
     * {@link Signal#MAX_ADDRESSES}), which only peers behind the same NAT will dial.
     */
    Presence publish(String token, int port, List<Signal.Candidate> addresses) throws DirectoryException;

    void goOffline(String token) throws DirectoryException;

    PeerPage peers(String token, int limit, String after) throws DirectoryException;

    Peer lookup(String token, String username) throws DirectoryException;

    /** Opens the signalling channel; {@code listening} for a peer that accepts connections. */
    SignalChannel signals(String token, boolean listening, SignalChannel.Handler handler) throws DirectoryException;
}
