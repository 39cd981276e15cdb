package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.identity.KnownPeers;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.session.PeerRefusedException;

/**
 * Who may talk to us and whom we may talk to: the directory's fingerprints, pinned by TLS and
 * kept in {@code known_peers} on first use (like SSH). A name already known with another key is
 * refused loudly, whatever the directory says; a known peer still connects when the directory
 * is down.
 */
final class Trust {

    private final String me;
    private final String token;
    private final KnownPeers known;
    private final Connector.DirectorySource directory;
    private final ConnectEvents events;

    Trust(String me, String token, KnownPeers known, Connector.DirectorySource directory, ConnectEvents events) {
        this.me = me;
        this.token = token;
        this.known = known;
        this.directory = directory;
        this.events = events;
    }

    String me() {
        return me;
    }

    String token() {
        return token;
    }

    Directory directory() throws DirectoryException {
        return directory.get();
    }

    KnownPeers known() {
        return known;
    }

    /** The target with the key known_peers pins, or the directory's key for a first contact. */
    Target target(String name, String host, int port, String fingerprint, boolean signal,
                  java.util.List<dev.p2pchat.peer.directory.Signal.Candidate> localAddresses) throws ConnectException {
        KnownPeers.Verdict verdict = known.check(name, fingerprint);
        if (verdict.status() == KnownPeers.Status.MISMATCH) {
            throw new ConnectException(ConnectException.Reason.KEY_CHANGED,
                    "REFUSED: " + keyChanged(name, verdict.knownFingerprint(), fingerprint));
        }
        return new Target(name, host, port, fingerprint, verdict.status() == KnownPeers.Status.TRUSTED, signal,
                localAddresses);
    }

    /**
     * After a successful handshake with a peer we dialed: a first contact's key goes to
     * known_peers, and a peer we had only met (it dialed us before) becomes one we chose.
     */
    void pinIfNew(Target target) throws IdentityException {
        if (!target.known()) {
            known.remember(target.username(), target.fingerprint());
            events.pinned(target.username(), target.fingerprint());
        } else if (!known.chosen(target.username(), target.fingerprint())) {
            known.remember(target.username(), target.fingerprint());
        }
    }

    /** Whether the user chose this peer before (dialed or verified it), not merely met it. */
    boolean chosen(Target target) {
        return known.chosen(target.username(), target.fingerprint());
    }

    String keyChanged(String name, String knownKey, String presented) {
        return "the identity key of '" + name + "' has CHANGED. known_peers has "
                + Fingerprints.pretty(knownKey) + ", now offered " + Fingerprints.pretty(presented)
                + ". Someone may be impersonating " + name + ". If " + name + " really has a new key (check with "
                + "them over another channel), remove their line from " + known.file() + ".";
    }

    /**
     * Listener side: whether the key a dialer presented belongs to the name its HELLO claims —
     * known_peers first, then the directory (whose key is then pinned as a peer we met, not one
     * we chose). Returns whether the dialer was one the user chose before this connection: a
     * stranger stays a stranger however often it dials in.
     */
    boolean verify(String claimed, String fingerprint) throws PeerRefusedException {
        try {
            KnownPeers.Verdict verdict = known.check(claimed, fingerprint);
            switch (verdict.status()) {
                case TRUSTED -> {
                    return known.chosen(claimed, fingerprint);
                }
                case MISMATCH -> {
                    events.refused(claimed, keyChanged(claimed, verdict.knownFingerprint(), fingerprint));
                    throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH,
                            "your identity key is not the one " + me + " knows for " + claimed);
                }
                default -> {
                    // not known yet: the directory vouches for the key
                }
            }
            Directory.Peer peer;
            try {
                peer = directory().lookup(token, claimed);
            } catch (DirectoryException e) {
                events.refused(claimed, "cannot check its key (" + e.getMessage() + ")");
                throw new PeerRefusedException(ErrorCode.UNKNOWN_USER,
                        me + " cannot verify '" + claimed + "': " + (e.kind() == DirectoryException.Kind.NOT_FOUND
                                ? "no such user" : "the directory is unreachable and you are not a known peer"));
            }
            if (peer.fingerprint() == null) {
                throw new PeerRefusedException(ErrorCode.UNKNOWN_USER,
                        "the directory has no identity key for " + claimed + " yet");
            }
                if (!fingerprint.equals(peer.fingerprint())) {
                events.refused(claimed, "its key " + Fingerprints.pretty(fingerprint) + " is not the directory's for "
                        + claimed);
                throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH,
                        "your identity key is not the one the directory has for " + claimed);
            }
            known.rememberMet(claimed, fingerprint);
            events.pinned(claimed, fingerprint);
            return false;
        } catch (IdentityException e) {
            throw new PeerRefusedException(ErrorCode.INTERNAL, "cannot check known_peers: " + e.getMessage());
        }
    }
}
