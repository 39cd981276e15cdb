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
     * A looked-up peer. {@code keyLog}: the raw JSON of the key log proof (entry, inclusion,
     * signed head), null when the directory sent none; {@code dev.p2pchat.peer.keylog} reads it
     * as hostile input. {@code signal}: it has a signalling channel open now (it can be asked to
     * dial back, punch or meet at the relay); {@code addresses}: its own interface addresses for
     * its listening port, to be tried only from the same network. Both are absent from older
     * directories.
     */
    record Peer(String username, boolean online, String host, Integer port, String fingerprint, Instant lastSeen,
                Boolean signal, List<Signal.Candidate> addresses, byte[] keyLog) {

        /** Without a key log proof (older directories, tests). */
        public Peer(String username, boolean online, String host, Integer port, String fingerprint, Instant lastSeen,
                    Boolean signal, List<Signal.Candidate> addresses) {
            this(username, online, host, port, fingerprint, lastSeen, signal, addresses, null);
        }

        /** The same answer with the raw {@code keyLog} member (JSON), for the key log checks to parse. */
        public Peer withKeyLog(byte[] proof) {
            return new Peer(username, online, host, port, fingerprint, lastSeen, signal, addresses, proof);
        }

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

    /** The key log's public key (raw JSON of {@code GET /.well-known/p2pchat-log-key}). */
    byte[] logKey() throws DirectoryException;

    /** A consistency proof between two sizes of the key log (raw JSON). */
    byte[] logConsistency(long from, long to) throws DirectoryException;

    /** A user's key history from the log (raw JSON). */
    byte[] keyHistory(String username) throws DirectoryException;

    /**
     * Rotates our identity key: the new fingerprint, the old certificate (base64 DER) and the old
     * key's signature. Returns the new entry with its proof (raw JSON, the lookup's keyLog shape).
     */
    byte[] rotateKey(String token, String fingerprint, String certificate, String signature) throws DirectoryException;

    /** Opens the signalling channel; {@code listening} for a peer that accepts connections. */
    SignalChannel signals(String token, boolean listening, SignalChannel.Handler handler) throws DirectoryException;
}
