package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.directory.Signal;
import dev.p2pchat.peer.directory.SignalChannel;
import dev.p2pchat.peer.identity.Usernames;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.PeerConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dialer's side of the connection ladder (docs/PROTOCOL.md, "Reaching a peer"): direct to
 * every address the listener advertised, and, when the listener has a signalling channel,
 * at once: ask it through the directory to dial back to our punch port (reverse), punch
 * through both NATs timed by the round trip (up to three times), and after a while the relay.
 * The first path whose TLS with the pinned key and HELLO succeed wins; TLS roles do not depend
 * on who opened the TCP connection: we are always the TLS client.
 */
final class Ladder {

    /** Verifies a TCP connection that reached the peer: TLS client with the pinned key, then HELLO. */
    @FunctionalInterface
    interface Securer {
        Link secure(PeerConnection connection, Rung rung, String endpoint) throws ConnectException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration OBSERVE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RELAY_JOIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PUNCHES = 3;
    private static final int MAX_INBOUND = 8;

    private final Trust trust;
    private final Dialer dialer;
    private final Securer securer;
    private final ConnectEvents events;
    private final LadderSettings settings;

    Ladder(Trust trust, Dialer dialer, Securer securer, ConnectEvents events, LadderSettings settings) {
        this.trust = trust;
        this.dialer = dialer;
        this.securer = securer;
        this.events = events;
        this.settings = settings;
    }

    Link reach(Target target) throws ConnectException {
        try (Race race = new Race(events)) {
            direct(race, new Signal.Candidate(target.host(), target.port(), Signal.Candidate.OBSERVED), target, 0);
            if (!target.signal()) {
                events.step(target.username() + " has no signalling channel here: only a direct connection can work");
                race.noMore();
                return race.await(settings.overall());
            }
            return new Signalled(race, target).run();
        }
    }

    private void direct(Race race, Signal.Candidate candidate, Target target, int order) {
        if (!settings.allows(Rung.DIRECT)) {
            return;
        }
        String endpoint = Candidates.describe(candidate);
        race.run(Rung.DIRECT, endpoint, r -> {
            if (order > 0) {
                Thread.sleep(settings.stagger().toMillis() * order);
            }
            Socket tcp = r.track(new Socket());
            tcp.setTcpNoDelay(true);
            tcp.connect(Candidates.socket(candidate), millis(settings.directTimeout()));
            return secure(r, tcp, target, Rung.DIRECT, endpoint);
        }, null);
    }

    private Link secure(Race race, Socket tcp, Target target, Rung rung, String endpoint) throws Exception {
        PeerConnection connection = dialer.secure(tcp, target.fingerprint(), settings.directTimeout());
        race.track(connection);
        Link link = securer.secure(connection, rung, endpoint);
        race.keep(connection);
        race.keep(tcp);
        return link;
    }

    private static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }

    static String newAttempt() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** A punch attempt that failed: the event loop may send the next SYNC. */
    private record PunchFailed(int n) {
    }

    /** A dial-back from the listener's own address failed: held punches and the relay may go. */
    private record DialBackFailed() {
    }

    /** The signalling channel went away. */
    private record ChannelClosed(String why) {
    }

    /** One attempt that uses the signalling channel; its state lives on the calling thread. */
    private final class Signalled implements SignalChannel.Handler {
        private final Race race;
        private final Target target;
        private final String attempt = newAttempt();
        /** Bounded: a directory that floods us loses its messages, not our memory. */
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>(256);
        private final AtomicInteger syncsSent = new AtomicInteger();
        private final DialBacks dialBacks;
        private final long start = System.nanoTime();
        private SignalChannel channel;
        private java.net.URI base;
        private InetSocketAddress relay;
        private int punchPort;
        private Signal.Candidate theirs;
        private long pingSentAt;
        private Duration rtt;
        private long dialAt = -1;
        private int punch;
        /** A punch that waits for a dial-back in flight (0: none). */
        private int heldPunch;
        private boolean punchesDone;
        private boolean relayAsked;
        private boolean relaySettled;
        private boolean refused;

        Signalled(Race race, Target target) {
            this.race = race;
            this.target = target;
            this.dialBacks = new DialBacks(target.host());
        }

        @Override
        public void onSignal(Signal signal) {
            if (attempt.equals(signal.attempt()) && (signal.from() == null || Usernames.same(signal.from(), target.username()))) {
                inbox.offer(signal);
            }
        }

        @Override
        public void onClosed(String why) {
            inbox.offer(new ChannelClosed(why));
        }

        Link run() throws ConnectException {
            Directory directory;
            try {
                directory = trust.directory();
                channel = directory.signals(trust.token(), false, this);
            } catch (DirectoryException e) {
                events.step("no signalling channel: " + e.getMessage());
                race.noMore();
                return race.await(settings.overall());
            }
            try (SignalChannel ignored = channel; ServerSocket server = race.track(punchServer())) {
                punchPort = server.getLocalPort();
                base = directory.base();
                Signal.RelayPoint point = channel.welcome().relay();
                relay = point == null ? null : Candidates.relay(point, base);
                if (point != null && relay == null) {
                    events.step("the directory named a relay on this machine or its local link: not used");
                }
                List<Signal.Candidate> ours = new ArrayList<>();
                InetSocketAddress mapped = observe();
                if (mapped != null) {
                    ours.add(Candidates.observed(mapped));
                    if (Candidates.sameNetwork(Candidates.literal(mapped.getAddress()), target.host())) {
                        // behind the same NAT: our own addresses, and theirs, lead somewhere
                        ours.addAll(Candidates.local(punchPort));
                        int order = 1;
                        for (Signal.Candidate local : target.localAddresses()) {
                            dialBacks.alsoAt(local.host());
                            direct(race, local, target, order++);
                        }
                    }
                }
                acceptInbound(server);
                channel.send(Signal.connect(target.username(), attempt, ours));
                events.step("asked " + target.username() + " through the directory to meet us");
                loop();
                Link link = race.await(remaining());
                channel.send(Signal.done(target.username(), attempt, link.rung().word()));
                return link;
            } catch (IOException e) {
                race.noMore();
                events.step("cannot open a punch port: " + e.getMessage());
                return race.await(remaining());
            }
        }

        private Duration remaining() {
            Duration left = settings.overall().minusNanos(System.nanoTime() - start);
            return left.isNegative() ? Duration.ofMillis(1) : left;
        }

        private ServerSocket punchServer() throws IOException {
            ServerSocket server = new ServerSocket();
            try {
                server.setReuseAddress(true);
                if (server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                server.bind(new InetSocketAddress(0));
                return server;
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }

        private InetSocketAddress observe() {
            if (relay == null) {
                events.step("the directory runs no relay: no punching, no relaying");
                return null;
            }
            try {
                InetSocketAddress mapped = RelayLine.observe(relay, punchPort, OBSERVE_TIMEOUT);
                if (!Candidates.plausible(mapped, base)) {
                    events.step("the relay says it sees us on this machine or its local link: ignored");
                    return null;
                }
                events.step("our port " + punchPort + " is seen as " + Endpoints.format(
                        Candidates.literal(mapped.getAddress()), mapped.getPort()) + " from outside");
                return mapped;
            } catch (IOException e) {
                events.step("cannot learn our outside address from the relay at "
                        + Endpoints.format(relay.getHostString(), relay.getPort()) + ": " + e.getMessage());
                return null;
            }
        }

        /** Connections to our punch port: the listener dialing back (reverse), or a punch meeting us. */
        private void acceptInbound(ServerSocket server) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < MAX_INBOUND && !race.done(); i++) {
                    Socket tcp;
                    try {
                        tcp = race.track(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                    Rung rung = syncsSent.get() == 0 ? Rung.REVERSE : Rung.PUNCHED;
                    if (!settings.allows(rung)) {
                        try {
                            tcp.close();
                        } catch (IOException ignored) {
                            // refused either way
                        }
                        continue;
                    }
                    String endpoint = Endpoints.format(tcp.getInetAddress().getHostAddress(), tcp.getPort());
                    boolean holds = rung == Rung.REVERSE && dialBacks.arrived(Candidates.literal(tcp.getInetAddress()));
                    race.run(rung, endpoint, r -> secure(r, tcp, target, rung, endpoint), holds ? reason -> {
                        dialBacks.failed();
                        inbox.offer(new DialBackFailed());
                    } : null, false);
                }
            }, "p2pchat-punch-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void loop() throws ConnectException {
            long relayAt = start + settings.relayAfter().toNanos();
            while (!race.done()) {
                long now = System.nanoTime();
                if (now - start > settings.overall().toNanos()) {
                    race.fail("no way through within " + settings.overall().toSeconds() + " s");
                    return;
                }
                if (!relayAsked && relay != null && settings.allows(Rung.RELAYED) && !dialBacks.holding()
                        && (now >= relayAt || refused || punchesDone)) {
                    relayAsked = true;
                    channel.send(Signal.relay(target.username(), attempt));
                    events.step("asked the directory for the relay");
                }
                if (dialAt > 0 && now >= dialAt) {
                    dialAt = -1;
                    punch(punch);
                }
                if ((punchesDone || refused) && (relay == null || relaySettled || !settings.allows(Rung.RELAYED))) {
                    race.noMore();
                }
                long relayWait = relayAsked || dialBacks.holding() ? Long.MAX_VALUE : relayAt - now;
                long wait = Math.min(relayWait, dialAt > 0 ? dialAt - now : Long.MAX_VALUE);
                wait = Math.max(1_000_000L, Math.min(wait, 100_000_000L));
                Object item;
                try {
                    item = inbox.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    race.fail("interrupted");
                    return;
                }
                if (item != null) {
                    handle(item);
                }
            }
        }

        private void handle(Object item) {
            if (item instanceof DialBackFailed) {
                if (heldPunch > 0 && !dialBacks.holding()) {
                    int n = heldPunch;
                    heldPunch = 0;
                    nextPunch(n);
                }
                return;
            }
            if (item instanceof PunchFailed failed) {
                if (failed.n() < MAX_PUNCHES && rtt != null) {
                    nextPunch(failed.n() + 1);
                } else {
                    punchesDone = true;
                }
                return;
            }
            if (item instanceof ChannelClosed closed) {
                events.step("the signalling channel closed: " + closed.why());
                punchesDone = true;
                if (!relaySettled) {
                    relay = null; // no offer can come any more
                }
                return;
            }
            Signal signal = (Signal) item;
            switch (signal.type()) {
                case Signal.ACCEPT -> accepted(signal);
                case Signal.REFUSE -> {
                    refused = true;
                    punchesDone = true;
                    events.step(target.username() + " refused to meet: " + signal.reason());
                }
                case Signal.ERROR -> {
                    events.step("the directory could not pass our request on (" + signal.reason() + ")");
                    if ("offline".equals(signal.reason())) {
                        refused = true;
                        punchesDone = true;
                        if (!relaySettled) {
                            relay = null; // nobody is there to meet at the relay either
                        }
                    }
                }
                case Signal.PONG -> {
                    if (rtt == null && signal.n() == 1) {
                        rtt = Duration.ofNanos(System.nanoTime() - pingSentAt);
                        events.step("round trip to " + target.username() + " through the directory: "
                                + rtt.toMillis() + " ms");
                        nextPunch(1);
                    }
                }
                case Signal.PING -> channel.send(Signal.pong(target.username(), attempt, signal.n()));
                case Signal.RELAY_OFFER -> relayOffered(signal);
                default -> {
                    // done and others: nothing to do on this side
                }
            }
        }

        private void accepted(Signal accept) {
            if (theirs != null) {
                return;
            }
            for (Signal.Candidate candidate : accept.addresses()) {
                if (Signal.Candidate.OBSERVED.equals(candidate.kind()) && theirs == null) {
                    if (Candidates.dialable(candidate, base, target.host())) {
                        theirs = candidate;
                    } else {
                        events.step(target.username() + " says its port is seen as " + Candidates.describe(candidate)
                                + ", not where the directory sees it (" + target.host() + "): not punched");
                    }
                }
            }
            events.step(target.username() + " agreed to meet" + (theirs == null ? "" : "; its port is seen as "
                    + Candidates.describe(theirs) + " from outside"));
            if (theirs == null) {
                punchesDone = true;
                return;
            }
            pingSentAt = System.nanoTime();
            channel.send(Signal.ping(target.username(), attempt, 1));
        }

        private void nextPunch(int n) {
            if (dialBacks.holding()) {
                heldPunch = n; // the listener's dial-back already is a connection to it: see DialBacks
                events.step("the dial-back from " + target.username() + " is being checked: hole punch " + n + " waits");
                return;
            }
            punch = n;
            syncsSent.incrementAndGet();
            channel.send(Signal.sync(target.username(), attempt, n));
            dialAt = System.nanoTime() + rtt.toNanos() / 2 + settings.punchDelay().toNanos();
        }

        private void punch(int n) {
            if (!settings.allows(Rung.PUNCHED)) {
                inbox.offer(new PunchFailed(MAX_PUNCHES));
                return;
            }
            String endpoint = Candidates.describe(theirs) + " (attempt " + n + ")";
            InetSocketAddress to = Candidates.socket(theirs);
            race.run(Rung.PUNCHED, endpoint, r -> {
                Socket tcp = r.track(RelayLine.sharing(punchPort));
                tcp.connect(to, millis(settings.punchTimeout()));
                return secure(r, tcp, target, Rung.PUNCHED, Candidates.describe(theirs));
            }, reason -> inbox.offer(new PunchFailed(n)));
        }

        private void relayOffered(Signal offer) {
            // the relay the offer names: with several relays, the one that knows this token
            InetSocketAddress at = Candidates.relay(offer.relay(), base);
            if (!"dialer".equals(offer.role()) || at == null || !settings.allows(Rung.RELAYED)) {
                if (at == null) {
                    events.step("the offered relay is on this machine or its local link: not used");
                }
                relaySettled = true;
                return;
            }
            String endpoint = Endpoints.format(at.getHostString(), at.getPort());
            race.run(Rung.RELAYED, endpoint, r -> {
                Socket tcp = r.track(RelayLine.join(at, offer.token(), "dialer", RELAY_JOIN_TIMEOUT));
                return secure(r, tcp, target, Rung.RELAYED, endpoint);
            }, null);
            relaySettled = true;
        }
    }
}
