package dev.p2pchat.peer.command;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.identity.KnownPeers;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.PeerRefusedException;
import dev.p2pchat.peer.session.PeerVerifier;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.TransferEvents;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.FingerprintMismatchException;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Who may talk to us and whom we may talk to: the directory's fingerprints, pinned by TLS and
 * kept in {@code known_peers} on first use (like SSH). A name already known with another key is
 * refused loudly, whatever the directory says; a known peer still connects when the directory
 * is down.
 */
final class PeerAccess {

    private final Cli cli;
    private final String me;
    private final String token;
    private final TlsConfig tls;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "p2pchat-timers");
        thread.setDaemon(true);
        return thread;
    });

    PeerAccess(Cli cli, Home.SavedSession session) throws IdentityException {
        this.cli = cli;
        this.me = session.username();
        this.token = session.token();
        this.tls = TlsConfig.create(cli.identity());
    }

    String me() {
        return me;
    }

    TlsConfig tls() {
        return tls;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Where to reach {@code name} and which key it must present. */
    record Target(String username, String host, int port, String fingerprint, boolean known) {
    }

    /**
     * Looks {@code name} up. With {@code address} ("host:port") the directory is not needed for
     * a peer in known_peers.
     */
    Target resolve(String name, String address) throws DirectoryException, IdentityException {
        KnownPeers known = cli.knownPeers();
        if (address != null) {
            HostPort hostPort = HostPort.parse(address);
            String fingerprint = known.fingerprintOf(name).orElse(null);
            if (fingerprint == null) {
                fingerprint = cli.directory().lookup(token, name).fingerprint();
            }
            if (fingerprint == null) {
                throw new CliException(ExitCode.PEER_UNAVAILABLE, name + " has no registered identity key yet");
            }
            return checked(name, hostPort.host(), hostPort.port(), fingerprint);
        }
        Directory.Peer peer;
        try {
            peer = cli.directory().lookup(token, name);
        } catch (DirectoryException e) {
            if (e.kind() == DirectoryException.Kind.UNREACHABLE && known.fingerprintOf(name).isPresent()) {
                throw new CliException(ExitCode.DIRECTORY_UNREACHABLE, e.getMessage()
                        + "; " + name + " is a known peer: connect directly with --address HOST:PORT");
            }
            throw e;
        }
        if (!peer.online() || peer.host() == null || peer.port() == null) {
            throw new CliException(ExitCode.PEER_UNAVAILABLE, name + " is offline");
        }
        if (peer.fingerprint() == null) {
            throw new CliException(ExitCode.PEER_UNAVAILABLE, name + " has no registered identity key yet");
        }
        // the name asked for, never the directory's spelling of it: the directory only supplies where and which key
        return checked(name, peer.host(), peer.port(), peer.fingerprint());
    }

    private Target checked(String name, String host, int port, String fingerprint) throws IdentityException {
        KnownPeers.Verdict verdict = cli.knownPeers().check(name, fingerprint);
        if (verdict.status() == KnownPeers.Status.MISMATCH) {
            throw new CliException(ExitCode.IDENTITY_MISMATCH, keyChanged(name, verdict.knownFingerprint(), fingerprint));
        }
        return new Target(name, host, port, fingerprint, verdict.status() == KnownPeers.Status.TRUSTED);
    }

    private String keyChanged(String name, String known, String presented) {
        return "REFUSED: the identity key of '" + name + "' has CHANGED. known_peers has "
                + Fingerprints.pretty(known) + ", now offered " + Fingerprints.pretty(presented)
                + ". Someone may be impersonating " + name + ". If " + name + " really has a new key (check with "
                + "them over another channel), remove their line from " + cli.home().knownPeers() + ".";
    }

    /** Dials, pins the key, says HELLO; returns the session, not yet running. */
    ChatSession dial(Target target, ChatSession.Events events, TransferEvents transferEvents, ReceivePolicy policy)
            throws IOException {
        PeerConnection connection;
        try {
            connection = new Dialer(tls).connect(target.host(), target.port(), target.fingerprint(), Dialer.DEFAULT_TIMEOUT);
        } catch (FingerprintMismatchException e) {
            throw new CliException(ExitCode.IDENTITY_MISMATCH, "REFUSED: the peer at "
                    + Endpoint.format(target.host(), target.port()) + " is not " + target.username()
                    + ": it presented key " + Fingerprints.pretty(e.actual()) + ", "
                    + (target.known() ? "known_peers has " : "the directory says ") + Fingerprints.pretty(target.fingerprint()));
        }
        Wire wire = Wire.of(connection);
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        try {
            Handshake.dial(wire, reader, writer, me, target.username(), Handshake.TIMEOUT);
        } catch (PeerRefusedException e) {
            throw new CliException(e.code() == ErrorCode.IDENTITY_MISMATCH ? ExitCode.IDENTITY_MISMATCH
                    : ExitCode.PEER_UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            wire.close();
            throw new CliException(ExitCode.PEER_UNREACHABLE, "handshake with " + target.username() + " failed: " + e.getMessage());
        }
        if (!target.known()) {
            cli.knownPeers().remember(target.username(), target.fingerprint());
            cli.status("Added " + target.username() + " to known_peers (key " + Fingerprints.pretty(target.fingerprint()) + ").");
        }
        return new ChatSession(target.username(), true, wire, reader, writer, events, transferEvents, policy, timers,
                ChatSession.Liveness.DEFAULT);
    }

    /** Listener side: who the dialer claims to be must match the key it presented. */
    PeerVerifier verifier() {
        return (claimed, fingerprint) -> {
            try {
                KnownPeers.Verdict verdict = cli.knownPeers().check(claimed, fingerprint);
                switch (verdict.status()) {
                    case TRUSTED -> {
                        return;
                    }
                    case MISMATCH -> {
                        String message = keyChanged(claimed, verdict.knownFingerprint(), fingerprint);
                        cli.status(message);
                        throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH,
                                "your identity key is not the one " + me + " knows for " + claimed);
                    }
                    default -> {
                        // not known yet: the directory vouches for the key
                    }
                }
                Directory.Peer peer;
                try {
                    peer = cli.directory().lookup(token, claimed);
                } catch (DirectoryException e) {
                    cli.status("Refused a connection from '" + claimed + "': cannot check its key (" + e.getMessage() + ")");
                    throw new PeerRefusedException(ErrorCode.UNKNOWN_USER,
                            me + " cannot verify '" + claimed + "': " + (e.kind() == DirectoryException.Kind.NOT_FOUND
                                    ? "no such user" : "the directory is unreachable and you are not a known peer"));
                }
                if (peer.fingerprint() == null) {
                    throw new PeerRefusedException(ErrorCode.UNKNOWN_USER,
                            "the directory has no identity key for " + claimed + " yet");
                }
                if (!fingerprint.equals(peer.fingerprint())) {
                    cli.status("REFUSED a connection claiming to be '" + claimed + "': its key "
                            + Fingerprints.pretty(fingerprint) + " is not the directory's for " + claimed + ".");
                    throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH,
                            "your identity key is not the one the directory has for " + claimed);
                }
                cli.knownPeers().remember(claimed, fingerprint);
                cli.status("Added " + claimed + " to known_peers (key " + Fingerprints.pretty(fingerprint) + ").");
            } catch (IdentityException e) {
                throw new PeerRefusedException(ErrorCode.INTERNAL, "cannot check known_peers: " + e.getMessage());
            }
        };
    }

    /** Listener side: the HELLO exchange on a fresh connection; the session is not yet running. */
    ChatSession accept(PeerConnection connection, ChatSession.Events events, TransferEvents transferEvents,
                       ReceivePolicy policy) throws IOException {
        Wire wire = Wire.of(connection);
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        var hello = Handshake.accept(wire, reader, writer, me, connection.peerFingerprint(), verifier(), Handshake.TIMEOUT);
        return new ChatSession(hello.username(), false, wire, reader, writer, events, transferEvents, policy, timers,
                ChatSession.Liveness.DEFAULT);
    }

    void shutdown() {
        timers.shutdownNow();
    }
}
