package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.identity.KnownPeers;
import dev.p2pchat.peer.keylog.Head;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.PeerRefusedException;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.FingerprintMismatchException;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import dev.p2pchat.peer.transport.TransportException;
import java.io.IOException;
import java.time.Duration;

/**
 * Reaching peers and letting them reach us: resolve a name (directory and known_peers), try
 * the ways to reach it, authenticate (TLS with the pinned key, then HELLO), and hand back a
 * {@link Link}; on the listener side, check who a dialer is. It reports what happens as
 * {@link ConnectEvents} and never prints: the command layer renders.
 */
public final class Connector {

    /** The directory, created on first use (a known peer at --address never needs it). */
    @FunctionalInterface
    public interface DirectorySource {
        Directory get() throws DirectoryException;
    }

    private final Trust trust;
    private final TlsConfig tls;
    private final ConnectEvents events;
    private final LadderSettings settings;

    public Connector(String me, String token, TlsConfig tls, KnownPeers known, DirectorySource directory,
                     ConnectEvents events, LadderSettings settings, KeyLog keyLog) {
        this.trust = new Trust(me, token, known, directory, events, keyLog);
        this.tls = tls;
        this.events = events;
        this.settings = settings;
    }

    public LadderSettings settings() {
        return settings;
    }

    public String me() {
        return trust.me();
    }

    /** Where {@code name} is, from the directory, and which key it must present. */
    public Target resolve(String name) throws DirectoryException, ConnectException, IdentityException {
        Directory.Peer peer;
        try {
            peer = trust.directory().lookup(trust.token(), name);
        } catch (DirectoryException e) {
            if (e.kind() == DirectoryException.Kind.UNREACHABLE && trust.known().fingerprintOf(name).isPresent()) {
                throw new ConnectException(ConnectException.Reason.DIRECTORY_DOWN, e.getMessage()
                        + "; " + name + " is a known peer: connect directly with --address HOST:PORT", e);
            }
            throw e;
        }
        // proven by the key log before anything in the answer is used
        KeyLog.Checked checked = trust.proven(name, peer);
        if (!peer.online() || peer.host() == null || peer.port() == null) {
            throw new ConnectException(ConnectException.Reason.OFFLINE, name + " is offline");
        }
        if (peer.fingerprint() == null) {
            throw new ConnectException(ConnectException.Reason.NO_KEY, name + " has no registered identity key yet");
        }
        // the name asked for, never the directory's spelling of it: the directory only supplies where and which key
        return trust.target(name, peer.host(), peer.port(), peer.fingerprint(), peer.reachableBySignal(),
                peer.localAddresses(), checked);
    }

    /**
     * {@code name} at an address the user gave: the key comes from known_peers, or from the
     * directory for a first contact.
     */
    public Target resolve(String name, String host, int port)
            throws DirectoryException, ConnectException, IdentityException {
        String fingerprint = trust.known().fingerprintOf(name).orElse(null);
        KeyLog.Checked checked = null;
        if (fingerprint == null) {
            Directory.Peer peer = trust.directory().lookup(trust.token(), name);
            checked = trust.proven(name, peer);
            fingerprint = peer.fingerprint();
        }
        if (fingerprint == null) {
            throw new ConnectException(ConnectException.Reason.NO_KEY, name + " has no registered identity key yet");
        }
        return trust.target(name, host, port, fingerprint, false, java.util.List.of(), checked);
    }

    /**
     * Reaches the target by the connection ladder (direct, reverse, hole punch, relay: whichever
     * path first completes TLS with the pinned key and HELLO), then writes a first contact's key
     * to known_peers.
     */
    public Link dial(Target target) throws ConnectException, IdentityException {
        boolean chosenBefore = trust.chosen(target);
        Ladder ladder = new Ladder(trust, new Dialer(tls), (connection, rung, endpoint) ->
                hello(connection, target, chosenBefore, rung, endpoint), events, settings);
        Link link;
        try {
            link = ladder.reach(target);
        } catch (ConnectException e) {
            FingerprintMismatchException mismatch = mismatch(e);
            if (mismatch != null) {
                throw new ConnectException(ConnectException.Reason.IDENTITY_MISMATCH, "REFUSED: the peer at "
                        + mismatch.where() + " is not " + target.username() + ": it presented key "
                        + Fingerprints.pretty(mismatch.actual()) + ", " + (target.known() ? "known_peers has "
                        : "the directory says ") + Fingerprints.pretty(target.fingerprint()), mismatch);
            }
            throw e;
        }
        try {
            trust.pinIfNew(target);
        } catch (IdentityException e) {
            link.close(); // connected, but the pin could not be kept: do not go on unpinned
            throw e;
        }
        return link;
    }

    /** A wrong key anywhere on the ladder is what the user must hear about, not "every way failed". */
    private static FingerprintMismatchException mismatch(ConnectException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof FingerprintMismatchException mismatch) {
                return mismatch;
            }
        }
        return null;
    }

    private Link hello(PeerConnection connection, Target target, boolean chosenBefore, Rung rung, String endpoint)
            throws ConnectException {
        Wire wire = Wire.of(connection);
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        Frame.Hello hello;
        try {
            hello = Handshake.dial(wire, reader, writer, trust.me(), target.username(), ourHead(), Handshake.TIMEOUT);
            compareHeads(target.username(), hello.logHead());
        } catch (PeerRefusedException e) {
            throw new ConnectException(e.code() == ErrorCode.IDENTITY_MISMATCH ? ConnectException.Reason.IDENTITY_MISMATCH
                    : ConnectException.Reason.UNREACHABLE, e.getMessage(), e);
        } catch (IOException e) {
            wire.close();
            throw new ConnectException(ConnectException.Reason.UNREACHABLE, "handshake with " + target.username()
                    + " failed: " + e.getMessage(), e);
        }
        return new Link(target.username(), true, chosenBefore, rung, endpoint, wire, reader, writer,
                hello.filesAtOnce());
    }

    /**
     * Listener side: the HELLO exchange on a fresh connection. The name the dialer claims must
     * own the key it presented (known_peers, else the directory, whose key is then pinned).
     */
    public Link accept(PeerConnection connection) throws IOException {
        Wire wire = Wire.of(connection);
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        boolean[] knownBefore = new boolean[1];
        var hello = Handshake.accept(wire, reader, writer, trust.me(), connection.peerFingerprint(),
                (claimed, fingerprint) -> knownBefore[0] = trust.verify(claimed, fingerprint), ourHead(),
                Handshake.TIMEOUT);
        compareHeads(hello.username(), hello.logHead());
        String endpoint = Endpoints.format(connection.remoteAddress().getAddress().getHostAddress(),
                connection.remoteAddress().getPort());
        return new Link(hello.username(), false, knownBefore[0], Rung.DIRECT, endpoint, wire, reader, writer,
                hello.filesAtOnce());
    }

    /** The largest key log head we verified, for our HELLO; null when we hold none. */
    private Frame.LogHead ourHead() {
        return trust.keyLog().ours().map(state -> new Frame.LogHead(state.key().fingerprint(), state.head().size(),
                state.head().rootHash(), state.head().timestamp(), state.head().signature())).orElse(null);
    }

    /**
     * Split-view detection: a head the peer showed that cannot be in the same log as ours is
     * reported as a fork; the session goes on (the user decides) and nothing of theirs is kept.
     */
    private void compareHeads(String peer, Frame.LogHead theirs) {
        if (theirs == null) {
            return; // an older peer, or one that holds no head yet
        }
        KeyLog.PeerHead result = trust.keyLog().compare(theirs.logKey(), new Head(theirs.size(), theirs.rootHash(),
                theirs.timestamp(), theirs.signature()));
        if (result.kind() == KeyLog.PeerHeadKind.FORK) {
            events.fork(peer, result);
        } else {
            events.step("key log head of " + peer + ": " + result.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " (" + result.why() + ")");
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
