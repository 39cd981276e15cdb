package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Signal;
import dev.p2pchat.peer.directory.SignalChannel;
import dev.p2pchat.peer.transport.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listener's side of the connection ladder: a dialer asks, through the directory, to meet.
 * We tell it where our listening port is seen from outside, dial back to it from that same port
 * (which is the reverse connection when the dialer is reachable, and prepares our NAT for a
 * punch when it is not), dial again on each SYNC, and join the relay when offered. Every TCP
 * connection made this way is served by the {@link Listener} exactly like an accepted one: TLS
 * server, HELLO, the dialer's key checked. Nothing here blocks the channel's thread.
 */
public final class Responder implements SignalChannel.Handler {

    private static final int MAX_MEETINGS = 16;
    /** One user cannot keep every meeting slot (and so the listener) busy. */
    private static final int MAX_MEETINGS_PER_PEER = 2;
    private static final Duration MEETING_LIFETIME = Duration.ofSeconds(60);
    private static final Duration OBSERVE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RELAY_JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** One dialer's attempt to meet us. */
    private static final class Meeting {
        final String from;
        final String attempt;
        final List<Signal.Candidate> theirs;
        /** Where the directory saw the dialer's channel come from, if it said. */
        final String seen;
        final long created = System.nanoTime();
        final AtomicBoolean dialing = new AtomicBoolean();
        final AtomicBoolean joined = new AtomicBoolean();
        volatile String ourPublicIp;
        volatile boolean over;

        Meeting(String from, String attempt, List<Signal.Candidate> theirs, String seen) {
            this.from = from;
            this.attempt = attempt;
            this.theirs = theirs;
            this.seen = seen;
        }
    }

    private final Listener listener;
    private final URI directory;
    private final ConnectEvents events;
    private final LadderSettings settings;
    private final Map<String, Meeting> meetings = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(0, 2 * MAX_MEETINGS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "p2pchat-meet");
                thread.setDaemon(true);
                return thread;
            });
    private volatile SignalChannel channel;
    private volatile InetSocketAddress relay;

    public Responder(Listener listener, URI directory, ConnectEvents events, LadderSettings settings) {
        this.listener = listener;
        this.directory = directory;
        this.events = events;
        this.settings = settings;
    }

    /** The channel this responder answers on (a new one after a reconnect). */
    public void attach(SignalChannel channel) {
        Signal.RelayPoint point = channel.welcome().relay();
        this.relay = point == null ? null : Candidates.relay(point, directory);
        if (point != null && relay == null) {
            events.step("the directory named a relay on this machine or its local link: not used");
        }
        this.channel = channel;
    }

    @Override
    public void onSignal(Signal signal) {
        expire();
        switch (signal.type()) {
            case Signal.CONNECT -> connect(signal);
            case Signal.PING -> {
                if (meeting(signal) != null) { // answered only within a meeting: no reflector for strangers
                    send(Signal.pong(signal.from(), signal.attempt(), signal.n()));
                }
            }
            case Signal.SYNC -> {
                Meeting meeting = meeting(signal);
                if (meeting != null) {
                    run(() -> dialBack(meeting));
                }
            }
            case Signal.RELAY_OFFER -> {
                Meeting meeting = meeting(signal);
                InetSocketAddress at = Candidates.relay(signal.relay(), directory);
                if (meeting != null && "listener".equals(signal.role()) && at != null
                        && meeting.joined.compareAndSet(false, true)) {
                    run(() -> join(meeting, at, signal.token()));
                }
            }
            case Signal.DONE -> {
                Meeting meeting = meetings.remove(signal.attempt());
                if (meeting != null) {
                    meeting.over = true;
                }
            }
            default -> {
                // welcome, error, accept...: nothing for a listener to do
            }
        }
    }

    @Override
    public void onClosed(String why) {
        channel = null;
    }

    private void connect(Signal signal) {
        long fromThisPeer = meetings.values().stream().filter(m -> m.from.equalsIgnoreCase(signal.from())).count();
        if (meetings.size() >= MAX_MEETINGS || fromThisPeer >= MAX_MEETINGS_PER_PEER
                || meetings.containsKey(signal.attempt())) {
            send(Signal.refuse(signal.from(), signal.attempt(), "busy"));
            return;
        }
        List<Signal.Candidate> usable = new ArrayList<>();
        for (Signal.Candidate candidate : signal.addresses()) {
            if (Candidates.dialable(candidate, directory, signal.seen())) {
                usable.add(candidate);
            }
        }
        Meeting meeting = new Meeting(signal.from(), signal.attempt(), List.copyOf(usable), signal.seen());
        meetings.put(meeting.attempt, meeting);
        if (!run(() -> meet(meeting))) {
            meetings.remove(meeting.attempt);
            send(Signal.refuse(signal.from(), signal.attempt(), "busy"));
        }
    }

    private Meeting meeting(Signal signal) {
        Meeting meeting = meetings.get(signal.attempt());
        return meeting != null && meeting.from.equalsIgnoreCase(signal.from()) && !meeting.over ? meeting : null;
    }

    /** Where our port is seen from outside, and our own addresses; then dial back. */
    private void meet(Meeting meeting) {
        List<Signal.Candidate> ours = new ArrayList<>();
        InetSocketAddress relayNow = relay;
        if (relayNow != null) {
            try {
                InetSocketAddress mapped = RelayLine.observe(relayNow, listener.port(), OBSERVE_TIMEOUT);
                if (Candidates.plausible(mapped, directory)) {
                    meeting.ourPublicIp = Candidates.literal(mapped.getAddress());
                    ours.add(Candidates.observed(mapped));
                }
            } catch (IOException e) {
                events.step("cannot learn our outside address from the relay: " + e.getMessage());
            }
        }
        if (Candidates.sameNetwork(meeting.ourPublicIp, meeting.seen)) {
            // the directory saw the dialer come from our own outside address: same NAT, so our
            // interface addresses are worth telling (and not told to anyone else)
            ours.addAll(Candidates.local(listener.port()));
        }
        send(Signal.accept(meeting.from, meeting.attempt, ours));
        dialBack(meeting);
    }

    /**
     * Dials the dialer's punch port from our listening port: its outside address, and its own
     * addresses when we share its public address. One dial at a time per meeting (a second
     * socket to the same address from the same port could not exist); a SYNC while one is in
     * flight changes nothing, since its SYN is being retransmitted anyway.
     */
    private void dialBack(Meeting meeting) {
        if (!meeting.dialing.compareAndSet(false, true)) {
            return;
        }
        try {
            sleep(settings.punchDelay());
            for (Signal.Candidate candidate : meeting.theirs) {
                boolean local = Signal.Candidate.LOCAL.equals(candidate.kind());
                // the dialer's own addresses only from the same NAT, judged by where the
                // directory saw it, never by what it claims
                if (meeting.over || local && !Candidates.sameNetwork(meeting.ourPublicIp, meeting.seen)) {
                    continue;
                }
                Socket tcp = null;
                try {
                    tcp = RelayLine.sharing(listener.port());
                    tcp.connect(Candidates.socket(candidate), (int) settings.punchTimeout().toMillis());
                    if (!meeting.over) {
                        events.step("reached " + meeting.from + " at " + Candidates.describe(candidate));
                        listener.adopt(tcp);
                        return;
                    }
                    tcp.close();
                } catch (IOException e) {
                    if (tcp != null) {
                        try {
                            tcp.close();
                        } catch (IOException ignored) {
                            // failed anyway
                        }
                    }
                }
            }
        } finally {
            meeting.dialing.set(false);
        }
    }

    private void join(Meeting meeting, InetSocketAddress at, String token) {
        try {
            Socket tcp = RelayLine.join(at, token, "listener", RELAY_JOIN_TIMEOUT);
            if (meeting.over) {
                tcp.close();
                return;
            }
            events.step("met " + meeting.from + " at the relay");
            listener.adopt(tcp);
        } catch (IOException e) {
            events.step("could not meet " + meeting.from + " at the relay: " + e.getMessage());
        }
    }

    private void send(Signal signal) {
        SignalChannel now = channel;
        if (now != null) {
            now.send(signal);
        }
    }

    private boolean run(Runnable task) {
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException busy) {
            return false;
        }
    }

    private void expire() {
        long now = System.nanoTime();
        meetings.values().removeIf(meeting -> {
            boolean old = now - meeting.created > MEETING_LIFETIME.toNanos();
            if (old) {
                meeting.over = true;
            }
            return old;
        });
    }

    private static void sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops answering: pending meetings are over. */
    public void close() {
        for (Meeting meeting : meetings.values()) {
            meeting.over = true;
        }
        meetings.clear();
        workers.shutdownNow();
    }
}
