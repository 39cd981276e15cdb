package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.TransferEvents;
import dev.p2pchat.peer.session.Wire;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An authenticated connection after the HELLO exchange: the peer's name (as we asked for it, or
 * as its verified HELLO claimed it), how it was reached, and whether it was in known_peers
 * before. {@link #session} turns it into a running chat session's object (not yet running).
 */
public final class Link {

    private final String peer;
    private final boolean dialer;
    private final boolean knownBefore;
    private final Rung rung;
    private final String endpoint;
    private final Wire wire;
    private final FrameReader reader;
    private final FrameWriter writer;
    /** How many files the peer takes at once, as its HELLO said. */
    private final int peerFilesAtOnce;

    Link(String peer, boolean dialer, boolean knownBefore, Rung rung, String endpoint, Wire wire, FrameReader reader,
         FrameWriter writer, int peerFilesAtOnce) {
        this.peerFilesAtOnce = peerFilesAtOnce;
        this.peer = peer;
        this.dialer = dialer;
        this.knownBefore = knownBefore;
        this.rung = rung;
        this.endpoint = endpoint;
        this.wire = wire;
        this.reader = reader;
        this.writer = writer;
    }

    public String peer() {
        return peer;
    }

    /** True when we asked for this connection. */
    public boolean dialer() {
        return dialer;
    }

    /**
     * Whether the user chose this peer before this connection (dialed or verified it): a
     * stranger is not, and neither is a peer that only ever dialed us.
     */
    public boolean knownBefore() {
        return knownBefore;
    }

    /** How the peer was reached. */
    public Rung rung() {
        return rung;
    }

    /** Where the peer was reached (host:port, or the relay's). */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The session over this link. {@code policy} is resolved for this peer: under "accept from
     * known peers", a peer that was not in known_peers before this connection is a stranger.
     */
    public ChatSession session(ChatSession.Events events, TransferEvents transferEvents, ReceivePolicy policy,
                               ScheduledExecutorService timers) {
        return new ChatSession(peer, dialer, wire, reader, writer, events, transferEvents, policy.forPeer(knownBefore),
                timers, ChatSession.Liveness.DEFAULT, peerFilesAtOnce);
    }

    /** Drops the connection (when the caller cannot use it after all). */
    public void close() {
        wire.close();
    }
}
