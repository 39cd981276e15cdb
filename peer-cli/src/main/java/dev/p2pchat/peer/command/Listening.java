package dev.p2pchat.peer.command;

import dev.p2pchat.peer.connect.Candidates;
import dev.p2pchat.peer.connect.Endpoints;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.PeerRefusedException;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.connect.Responder;
import dev.p2pchat.peer.directory.Signal;
import dev.p2pchat.peer.directory.SignalChannel;
import dev.p2pchat.peer.transport.Listener;
import dev.p2pchat.peer.transport.PeerConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Being online: a TLS listener whose every accepted peer gets its own session (a silent or
 * slow one never blocks the others), and the presence published to the directory, renewed
 * every 20 s, retried with backoff while the directory is unreachable, and removed on the way
 * out (also on SIGINT/SIGTERM). While a signalling channel whose directory keeps presence is
 * open, the channel is the renewal: presence is published when the channel opens and when the
 * directory asks ({@code republish}), and renewed by us again once the channel closes.
 */
final class Listening implements AutoCloseable {

    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

    private final Cli cli;
    private final PeerAccess access;
    private final ChatConsole console;
    private final ReceivePolicy policy;
    private final String token;
    private final Listener listener;
    private final AtomicInteger sessionsSeen = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final Duration renewEvery;
    private volatile ScheduledFuture<?> renewal;
    private volatile Duration retry = FIRST_RETRY;
    private volatile boolean renewing = true;
    /** Answers dialers who ask, through the directory, to meet us (reverse, punch, relay). */
    private final Responder responder;
    /**
     * Everything that waits on the directory (presence renewals, the signalling channel) runs
     * here, never on the timer thread that every session's liveness check shares: a directory
     * that stalls must not stall the sessions.
     */
    private final ScheduledExecutorService directoryWork = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "p2pchat-directory");
        thread.setDaemon(true);
        return thread;
    });
    private volatile SignalChannel channel;
    /** The channel that keeps the presence we last published, while it does: no renewal of ours is due. */
    private volatile SignalChannel heldBy;
    /** Counts the renewals asked for out of turn, so that one asked for during a renewal is not lost. */
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicLong lastRepublish = new AtomicLong(
            System.nanoTime() - FIRST_RETRY.toNanos());
    private volatile Duration signalRetry = FIRST_RETRY;

    private Listening(Cli cli, PeerAccess access, ChatConsole console, ReceivePolicy policy, String token, int port,
                      Duration renewEvery) throws IOException {
        this.cli = cli;
        this.renewEvery = renewEvery;
        this.access = access;
        this.console = console;
        this.policy = policy;
        this.token = token;
        this.listener = Listener.open(null, port, access.tls(), Listener.Limits.DEFAULT, this::serve);
        this.responder = new Responder(listener, cli.server(), access, access.connector().settings());
        this.shutdownHook = new Thread(this::close, "p2pchat-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Opens the listener on {@code port} (0: any free port) and goes online. */
    static Listening start(Cli cli, PeerAccess access, ChatConsole console, ReceivePolicy policy,
                           Home.SavedSession session, int port, Duration renewEvery) throws IOException, DirectoryException {
        access.showOn(console.input());
        Listening listening = new Listening(cli, access, console, policy, session.token(), port, renewEvery);
        try {
            Directory.Presence presence = cli.directory().publish(session.token(), listening.port(), Candidates.local(listening.port()));
            console.input().status("Online as " + session.username() + ", listening on port " + listening.port()
                    + " (the directory sees you at " + Endpoints.format(presence.host(), presence.port()) + ").");
            listening.schedule(renewEvery);
        } catch (DirectoryException e) {
            if (e.kind() != DirectoryException.Kind.UNREACHABLE && e.kind() != DirectoryException.Kind.BUSY) {
                listening.close();
                throw e;
            }
            console.input().status("Listening on port " + listening.port() + ", but " + e.getMessage()
                    + "; known peers can connect, retrying to go online.");
            listening.schedule(FIRST_RETRY.compareTo(renewEvery) < 0 ? FIRST_RETRY : renewEvery);
        }
        listening.directoryWork.execute(listening::openSignals);
        return listening;
    }

    static Duration renewEvery(int seconds) {
        if (seconds < 1) {
            throw new CliException(ExitCode.USAGE, "--renew-interval must be at least 1 second");
        }
        return Duration.ofSeconds(seconds);
    }

    int port() {
        return listener.port();
    }

    /** Sessions that have been established so far. */
    int sessionsSeen() {
        return sessionsSeen.get();
    }

    /** Runs on the listener's thread for this connection: HELLO, then the whole session. */
    private void serve(PeerConnection connection) {
        ChatSession session;
        try {
            session = access.connector().accept(connection).session(console, console, policy, access.timers());
        } catch (PeerRefusedException e) {
            console.input().status("Refused a connection from " + connection.remoteAddress() + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            console.input().status("A connection from " + connection.remoteAddress() + " failed: " + e.getMessage());
            connection.close();
            return;
        }
        sessionsSeen.incrementAndGet();
        ChatSession before = console.current();
        if (console.attach(session, false)) {
            console.input().status(session.peer() + " connected" + trust(session.peer())
                    + ". Type to chat; 'close' ends it, 'h' helps.");
        } else if (before != null) {
            console.input().status(session.peer() + " connected. You are still talking to " + before.peer()
                    + " (/to " + session.peer() + " switches).");
        }
        session.run();
    }

    /** How far the peer's key is trusted, for the chat header: verified, or only pinned. */
    private String trust(String peer) {
        try {
            var known = cli.knownPeers();
            return known.fingerprintOf(peer).map(key -> known.verified(peer, key) ? " (verified)"
                    : " (pinned, not verified: /verify)").orElse("");
        } catch (dev.p2pchat.peer.identity.IdentityException | RuntimeException e) {
            return "";
        }
    }

    /** Schedules the next renewal, replacing one still pending: there is only ever one. */
    private synchronized void schedule(Duration delay) {
        ScheduledFuture<?> pending = renewal;
        if (pending != null) {
            pending.cancel(false); // a no-op for the renewal that is running and calls this
        }
        if (!closed.get()) {
            try {
                renewal = directoryWork.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down
            }
        }
    }

    /** Publishes now instead of when the next renewal is due (a channel opened or closed, or the directory asked). */
    private void renewNow() {
        heldBy = null;
        asked.incrementAndGet();
        schedule(Duration.ZERO);
    }

    /**
     * The directory says it has no presence of ours to keep: publish, but at most once per
     * {@link #FIRST_RETRY}, so that a directory sending nothing else cannot make us publish in
     * a loop (an honest one asks once per ping interval).
     */
    private void republishAsked() {
        long now = System.nanoTime();
        long last = lastRepublish.get();
        if (now - last >= FIRST_RETRY.toNanos() && lastRepublish.compareAndSet(last, now)) {
            renewNow();
        }
    }

    private void renew() {
        int askedBefore = asked.get();
        SignalChannel open = channel;
        if (open != null && open == heldBy) {
            if (open.stillAnswering()) {
                schedule(renewEvery); // the open channel keeps it
                return;
            }
            heldBy = null; // dead without a close (its handler reopens it): renew ourselves meanwhile
        }
        try {
            cli.directory().publish(token, listener.port(), Candidates.local(listener.port()));
            // a channel that closed meanwhile is not the channel any more, nor open: we keep renewing
            // and one asked for meanwhile (renewNow) runs at once: this renewal may have come before its cause
            boolean askedMeanwhile = asked.get() != askedBefore;
            heldBy = !askedMeanwhile && open != null && open == channel && open.keepsPresence() && open.isOpen()
                    ? open : null;
            if (!renewing) {
                console.input().status("Online again: the directory is reachable.");
            }
            renewing = true;
            retry = FIRST_RETRY;
            schedule(askedMeanwhile ? Duration.ZERO : renewEvery);
        } catch (DirectoryException e) {
            if (renewing) {
                console.input().status("Could not renew presence: " + e.getMessage()
                        + ". Chats go on; known peers can still connect. Retrying.");
            }
            renewing = false;
            // back off: 5 s, 10 s, 20 s ... at most a minute (never slower than the renewal itself)
            Duration next = retry.compareTo(renewEvery) < 0 ? retry : renewEvery;
            retry = retry.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : retry.multipliedBy(2);
            schedule(next);
        }
    }

    /**
     * Keeps a signalling channel open so that peers behind NATs can reach us: reopened with
     * backoff when it breaks; a directory without signalling is said once and not asked again.
     */
    private void openSignals() {
        if (closed.get()) {
            return;
        }
        // this attempt's channel, and whether its end was handled: by its handler or below, once
        AtomicReference<SignalChannel> mine = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean();
        try {
            SignalChannel opened = cli.directory().signals(token, true, new SignalChannel.Handler() {
                @Override
                public void onSignal(Signal signal) {
                    if (Signal.REPUBLISH.equals(signal.type())) {
                        republishAsked();
                    } else {
                        responder.onSignal(signal);
                    }
                }

                @Override
                public void onClosed(String why) {
                    if (ended.compareAndSet(false, true)) {
                        channelEnded(mine.get(), why);
                    }
                }
            });
            mine.set(opened);
            responder.attach(opened);
            channel = opened;
            if (!opened.isOpen()) { // closed before it was ours to hear of it
                if (ended.compareAndSet(false, true)) {
                    channelEnded(opened, "closed at once");
                } else if (channel == opened) {
                    channel = null;
                }
                return;
            }
            signalRetry = FIRST_RETRY;
            if (opened.keepsPresence()) {
                renewNow(); // the directory may have restarted and forgotten us: publish once, then the channel keeps it
            }
        } catch (DirectoryException e) {
            if (e.kind() == DirectoryException.Kind.SERVER) {
                console.input().status("The directory offers no signalling channel: only peers that can reach "
                        + "your port directly can connect (" + e.getMessage() + ").");
                return;
            }
            reopenSignals();
        }
    }

    /** The channel {@code ended} (null: before it was ours) has closed: forget it, renew ourselves, reopen. */
    private void channelEnded(SignalChannel ended, String why) {
        responder.onClosed(why);
        if (ended == null || channel == ended) {
            channel = null;
        }
        if (!closed.get()) {
            renewNow(); // nobody keeps our presence now but us
            reopenSignals();
        }
    }

    private void reopenSignals() {
        Duration wait = signalRetry;
        signalRetry = wait.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : wait.multipliedBy(2);
        try {
            directoryWork.schedule(this::openSignals, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down
        }
    }

    /** Goes offline, stops listening and says goodbye to every peer. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> pending = renewal;
        if (pending != null) {
            pending.cancel(false);
        }
        directoryWork.shutdownNow();
        responder.close();
        SignalChannel open = channel;
        if (open != null) {
            open.close();
        }
        listener.close();
        console.closeAll();
        try {
            cli.directory().goOffline(token);
        } catch (DirectoryException ignored) {
            // the presence expires by itself
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // already shutting down
            }
        }
    }
}
