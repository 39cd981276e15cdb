package dev.p2pchat.peer.connect;

import java.time.Duration;

/**
 * What happens while peers are reached and accepted, for the command layer to render (or not).
 * Called on whatever thread does the work: listener threads too. Every method has a default that
 * ignores the event.
 */
public interface ConnectEvents {

    /** A rung is being tried at {@code endpoint} ("host:port", or a description). */
    default void trying(Rung rung, String endpoint) {
    }

    /** A rung failed at {@code endpoint} after {@code took}. */
    default void failed(Rung rung, String endpoint, Duration took, String reason) {
    }

    /** A rung won: TLS with the pinned key and HELLO succeeded. */
    default void connected(Rung rung, String endpoint, Duration took) {
    }

    /** Something the ladder learned or did on the way (for {@code --explain}). */
    default void step(String what) {
    }

    /** A peer's key was written to known_peers on first contact. */
    default void pinned(String username, String fingerprint) {
    }

    /** A connection to us was refused (wrong key, unknown user, handshake failure). */
    default void refused(String from, String reason) {
    }

    /**
     * known_peers followed a rotation the key log proves: {@code steps} signed rotations lead
     * from {@code from} to {@code to}, the last in log entry {@code entry}.
     */
    default void rotated(String username, String from, String to, long entry, int steps) {
    }

    /** The directory keeps no key log: {@code username}'s key is trusted on first use only. */
    default void unlogged(String username) {
    }

    /**
     * The head {@code peer} showed in HELLO and ours cannot both be true: the directory shows
     * different logs to different people. The session goes on; nothing of theirs is kept.
     */
    default void fork(String peer, dev.p2pchat.peer.keylog.KeyLog.PeerHead heads) {
    }

    ConnectEvents NONE = new ConnectEvents() {
    };
}
