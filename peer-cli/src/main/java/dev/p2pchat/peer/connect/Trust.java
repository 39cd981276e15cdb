package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.identity.KnownPeers;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.keylog.KeyLogException;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.session.PeerRefusedException;

/**
 * Who may talk to us and whom we may talk to: the directory's fingerprints, pinned by TLS and
 * kept in {@code known_peers} on first use (like SSH). A name already known with another key is
 * refused loudly, whatever the directory says; a known peer still connects when the directory
 * is down. Every key the directory hands out must be proven by its key log first
 * ({@link KeyLog}); a key that differs from the pinned one is accepted only when the log shows
 * signed rotations from the pinned key to it.
 */
final class Trust {

    private final String me;
    private final String token;
    private final KnownPeers known;
    private final Connector.DirectorySource directory;
    private final ConnectEvents events;
    private final KeyLog keyLog;

    Trust(String me, String token, KnownPeers known, Connector.DirectorySource directory, ConnectEvents events,
          KeyLog keyLog) {
        this.keyLog = keyLog;
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

    KeyLog keyLog() {
        return keyLog;
    }

    /** The lookup's key as the key log proves it; any failure refuses before anything is dialed. */
    KeyLog.Checked proven(String name, Directory.Peer peer) throws ConnectException, DirectoryException {
        try {
            return keyLog.check(name, peer);
        } catch (KeyLogException e) {
            throw new ConnectException(ConnectException.Reason.KEY_LOG, "REFUSED: " + e.getMessage(), e);
        }
    }

    /**
     * The target with the key known_peers pins, or the directory's key for a first contact. A
     * key other than the pinned one passes only as a proven rotation (known_peers then follows
     * it); a reset is refused loudly.
     */
    Target target(String name, String host, int port, String fingerprint, boolean signal,
                  java.util.List<dev.p2pchat.peer.directory.Signal.Candidate> localAddresses, KeyLog.Checked checked)
            throws ConnectException, DirectoryException, IdentityException {
        KnownPeers.Verdict verdict = known.check(name, fingerprint);
        if (verdict.status() == KnownPeers.Status.MISMATCH) {
            followRotation(name, verdict.knownFingerprint(), fingerprint, checked);
            return new Target(name, host, port, fingerprint, true, signal, localAddresses);
        }
        if (verdict.status() == KnownPeers.Status.UNKNOWN && checked != null && !checked.logged()) {
            events.unlogged(name); // a first contact that no log vouches for
        }
        return new Target(name, host, port, fingerprint, verdict.status() == KnownPeers.Status.TRUSTED, signal,
                localAddresses);
    }

    /**
     * known_peers pins {@code pinned} for {@code name}, the log proves {@code fingerprint}: the
     * pin follows only a chain of rotations signed by each replaced key, starting at the pinned
     * one. Anything else is refused as a changed key; a reset says so loudly (who, when).
     */
    private void followRotation(String name, String pinned, String fingerprint, KeyLog.Checked checked)
            throws ConnectException, DirectoryException, IdentityException {
        if (checked == null || !checked.logged()) {
            throw new ConnectException(ConnectException.Reason.KEY_CHANGED,
                    "REFUSED: " + keyChanged(name, pinned, fingerprint));
        }
        KeyLog.Change change;
        try {
            change = keyLog.change(name, pinned, checked);
        } catch (KeyLogException e) {
            throw new ConnectException(ConnectException.Reason.KEY_LOG, "REFUSED: " + e.getMessage(), e);
        }
        switch (change.kind()) {
            case ROTATED -> {
                known.rotate(name, fingerprint);
                events.rotated(name, pinned, fingerprint, change.last().index(), change.steps().size());
            }
            case RESET -> throw new ConnectException(ConnectException.Reason.KEY_CHANGED, "REFUSED: the identity key"
                    + " of '" + name + "' was RESET at " + KeyLog.when(change.last()) + " (key log entry #"
                    + change.last().index() + "): the new key is NOT signed by the old one. A lost laptop, or someone"
                    + " who took over the account. " + keyChanged(name, pinned, fingerprint));
            case UNEXPLAINED -> throw new ConnectException(ConnectException.Reason.KEY_CHANGED,
                    "REFUSED: " + keyChanged(name, pinned, fingerprint) + " The key log shows no signed rotation from"
                    + " the key you know.");
        }
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
     * Listener side, a dialer known with another key: whether the directory's key log proves
     * signed rotations from the pinned key to the presented one (known_peers then follows it).
     * Anything else is reported as a refusal (a reset loudly) and gives false.
     */
    private boolean provenRotation(String claimed, String pinned, String presented) throws IdentityException {
        try {
            Directory.Peer peer = directory().lookup(token, claimed);
            if (!presented.equals(peer.fingerprint())) {
                events.refused(claimed, keyChanged(claimed, pinned, presented));
                return false;
            }
            followRotation(claimed, pinned, presented, keyLog.check(claimed, peer));
            return true;
        } catch (ConnectException | KeyLogException e) {
            events.refused(claimed, e.getMessage().replaceFirst("^REFUSED: ", ""));
            return false;
        } catch (DirectoryException e) {
            events.refused(claimed, keyChanged(claimed, pinned, presented) + " (the directory could not be asked: "
                    + e.getMessage() + ")");
            return false;
        }
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
            if (verdict.status() == KnownPeers.Status.TRUSTED) {
                return known.chosen(claimed, fingerprint);
            }
            if (verdict.status() == KnownPeers.Status.MISMATCH) {
                if (!provenRotation(claimed, verdict.knownFingerprint(), fingerprint)) {
                    throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH,
                            "your identity key is not the one " + me + " knows for " + claimed);
                }
                return known.chosen(claimed, fingerprint);
            }
            // not known yet: the directory and its log must vouch for this key
            Directory.Peer peer;
            KeyLog.Checked checked;
            try {
                peer = directory().lookup(token, claimed);
                checked = keyLog.check(claimed, peer);
            } catch (KeyLogException e) {
                events.refused(claimed, e.getMessage());
                throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, me + " cannot verify your key: "
                        + "the directory's key log fails its checks");
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
            if (!checked.logged()) {
                events.unlogged(claimed);
            }
            known.rememberMet(claimed, fingerprint);
            events.pinned(claimed, fingerprint);
            return false;
        } catch (IdentityException e) {
            throw new PeerRefusedException(ErrorCode.INTERNAL, "cannot check known_peers: " + e.getMessage());
        }
    }
}
