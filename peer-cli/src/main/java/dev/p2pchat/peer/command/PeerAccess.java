package dev.p2pchat.peer.command;

import dev.p2pchat.peer.connect.ConnectEvents;
import dev.p2pchat.peer.connect.Connector;
import dev.p2pchat.peer.connect.Rung;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.transport.TlsConfig;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What a command that talks to peers holds: our TLS identity, the {@link Connector} that
 * reaches and accepts peers, the timer thread sessions share, and how connection events are
 * shown (on stderr until a console takes over, then above its prompt).
 */
final class PeerAccess implements ConnectEvents {

    private final TlsConfig tls;
    private final Connector connector;
    private final boolean explain;
    private volatile Consumer<String> status;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "p2pchat-timers");
        thread.setDaemon(true);
        return thread;
    });

    PeerAccess(Cli cli, Home.SavedSession session, ConnectOptions options) throws IdentityException {
        this.tls = TlsConfig.create(cli.identity());
        this.status = cli::status;
        this.explain = options.explain;
        this.connector = new Connector(session.username(), session.token(), tls, cli.knownPeers(), cli::directory, this,
                options.settings(), cli.keyLog());
    }

    Connector connector() {
        return connector;
    }

    TlsConfig tls() {
        return tls;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** From now on, events are shown through {@code console} (above the prompt on a terminal). */
    void showOn(LineInput console) {
        this.status = console::status;
    }

    @Override
    public void trying(Rung rung, String endpoint) {
        explain(name(rung) + " " + endpoint + " ...");
    }

    @Override
    public void failed(Rung rung, String endpoint, Duration took, String reason) {
        explain(name(rung) + " " + endpoint + " failed after " + took.toMillis() + " ms: " + Text.printable(reason));
    }

    @Override
    public void connected(Rung rung, String endpoint, Duration took) {
        explain(name(rung) + " " + endpoint + " ok in " + took.toMillis() + " ms: this path won");
    }

    @Override
    public void step(String what) {
        explain(Text.printable(what));
    }

    private void explain(String line) {
        if (explain) {
            status.accept("explain: " + line);
        }
    }

    private static String name(Rung rung) {
        return switch (rung) {
            case DIRECT -> "direct";
            case REVERSE -> "dial-back";
            case PUNCHED -> "hole punch";
            case RELAYED -> "relay";
        };
    }

    @Override
    public void pinned(String username, String fingerprint) {
        status.accept("Added " + username + " to known_peers (key " + Fingerprints.pretty(fingerprint) + ").");
    }

    @Override
    public void refused(String from, String reason) {
        status.accept("Refused a connection claiming to be '" + from + "': " + Text.printable(reason) + ".");
    }

    @Override
    public void rotated(String username, String from, String to, long entry, int steps) {
        status.accept(username + " rotated their identity key (" + (steps == 1 ? "a rotation" : steps + " rotations")
                + " signed by the key you knew, key log entry #" + entry + "): known_peers now has "
                + Fingerprints.pretty(to) + ".");
    }

    @Override
    public void unlogged(String username) {
        status.accept("Note: this directory keeps no key log, so " + username
                + "'s key is trusted on first use only (compare safety numbers: p2pchat verify " + username + ").");
    }

    @Override
    public void fork(String peer, KeyLog.PeerHead heads) {
        status.accept("WARNING: the directory shows " + peer + " and you DIFFERENT key logs (a fork): "
                + peer + " holds the head " + heads.theirs().describe() + " signed " + java.time.Instant.ofEpochMilli(
                heads.theirs().timestamp()) + ", you hold " + heads.ours().describe() + " signed "
                + java.time.Instant.ofEpochMilli(heads.ours().timestamp()) + ". " + Text.printable(heads.why())
                + ". The directory may be showing someone a false key; compare safety numbers (/verify).");
    }

    void shutdown() {
        timers.shutdownNow();
    }
}
