package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.relay.RelayOffers;
import dev.p2pchat.directory.session.SessionService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling rules (docs/PROTOCOL.md, section 12), apart from any WebSocket: which channels
 * are open, who may send what to whom, and the bounds. A {@code connect} goes to every listening
 * channel of its {@code to} and registers the attempt on the sender's channel (dialer) and on
 * each receiving channel (listener); everything else of an attempt goes only to channels of
 * {@code to} holding the attempt with the other role and the sender as peer, and only if the
 * sender's channel holds it too. So nobody can inject into an attempt they are not part of, and
 * {@code from} is always the name the channel was authenticated as.
 *
 * <p>Messages for other channels go through the {@link SignalBus}, which brings them back to
 * this instance and to every other; each instance delivers to its own channels.
 */
final class SignalRouter {

    private static final Logger log = LoggerFactory.getLogger(SignalRouter.class);

    /** Asks a listening channel to publish its presence again (docs/PROTOCOL.md, 12.4). */
    private static final String REPUBLISH = "{\"type\":\"republish\"}";

    static final int MAX_CHANNELS_PER_USER = 4;
    static final int MAX_ATTEMPTS = 16;
    static final Duration ATTEMPT_TTL = Duration.ofSeconds(60);
    static final double RATE_PER_SECOND = 50;
    static final double RATE_BURST = 100;
    static final int MAX_STRIKES = 3;
    static final int POLICY = 1008;
    static final int GOING_AWAY = 1001;
    static final int SERVER_ERROR = 1011;

    /** Where the relay is and tokens for it ({@link RelayOffers} in the application). */
    interface Relays {
        RelayOffers.Point point();

        String mint();
    }

    /** Who listens, across instances ({@link ListenerRecords} in the application). */
    interface Listeners {
        void started(long accountId);

        void stopped(long accountId);

        boolean listening(String usernameKey);

        /** Renews this instance's heartbeat; true when it had lapsed (see {@link ListenerRecords#renewAll}). */
        boolean renewAll();

        void forgetAll();
    }

    /** Presence kept by open listening channels ({@code PresenceService} in the application). */
    interface Presences {
        /** Renews the presence of these username keys; returns those that have none to renew. */
        Set<String> keepOnline(Collection<String> usernameKeys);

        /** How long presence lasts without a renewal. */
        Duration ttl();
    }

    /**
     * Tokens this instance may remember as valid ({@code SessionService}'s cache): told of every
     * logout the bus carries, from whichever instance.
     */
    interface Revocations {
        /** The token with this key ({@link SessionService#revocationKey}) was revoked. */
        void forget(String tokenKey);

        /** Revocations may have been lost (the bus was down). */
        void forgetAll();

        /** Which of these token hashes are still valid (not revoked, not expired). */
        Set<String> stillValid(Collection<String> tokenHashes);
    }

    private final SignalBus bus;
    private final Revocations revocations;
    private final Relays relays;
    private final Listeners listeners;
    private final Presences presences;
    private final Executor databaseWork;
    /** True when a sweep comes at least twice per presence TTL, so that a listening channel can keep presence. */
    private final boolean keepsPresence;
    private final Clock clock;
    private final SignalProperties settings;
    /** Guarded by this: open channels per user key, oldest first. */
    private final Map<String, List<Channel>> byUser = new HashMap<>();
    private final Map<String, Channel> byId = new ConcurrentHashMap<>();
    private final Map<String, Counter> forwarded = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Counter republished;
    private final Counter skipped;
    private final Counter failed;

    /**
     * {@code databaseWork} runs the sweep's database statements (the listener heartbeat, the
     * presence kept): off the sweep's thread, so that a slow database never delays the pings.
     */
    SignalRouter(SignalBus bus, Revocations revocations, Relays relays, Listeners listeners, Presences presences,
                 Executor databaseWork, Clock clock, SignalProperties settings, MeterRegistry registry) {
        this.databaseWork = databaseWork;
        this.bus = bus;
        this.revocations = revocations;
        this.relays = relays;
        this.listeners = listeners;
        this.presences = presences;
        this.keepsPresence = settings.pingInterval().multipliedBy(2).compareTo(presences.ttl()) <= 0;
        this.clock = clock;
        this.settings = settings;
        this.registry = registry;
        Gauge.builder("p2pchat.signal.channels", byId, Map::size).description("Signalling channels open on this instance")
                .register(registry);
        this.republished = Counter.builder("p2pchat.signal.republish")
                .description("Listening channels asked to publish their presence again (none to keep)").register(registry);
        this.skipped = Counter.builder("p2pchat.signal.sweep.skipped")
                .description("Sweep slices whose database work was dropped because the database was behind")
                .register(registry);
        this.failed = Counter.builder("p2pchat.signal.sweep.failed")
                .description("Sweep database work (heartbeat, presence kept) that failed; each is logged")
                .register(registry);
        bus.subscribe(this::deliver, this::resumed);
    }

    /** True when this instance holds as many channels as it may. */
    boolean full() {
        return byId.size() >= settings.maxChannels();
    }

    int size() {
        return byId.size();
    }

    // ------------------------------------------------------------------ opening and closing

    /**
     * Opens a channel and sends its welcome; null when the instance is full. A user's fifth
     * channel closes the oldest ("replaced").
     */
    Channel open(long accountId, String username, boolean listening, String tokenHash, Instant tokenExpiresAt,
                 Channel.Link link) {
        return open(accountId, username, listening, tokenHash, tokenExpiresAt, link, null);
    }

    /** As above; {@code seen} is the client address of the channel's connection, told to the peers it meets. */
    Channel open(long accountId, String username, boolean listening, String tokenHash, Instant tokenExpiresAt,
                 Channel.Link link, String seen) {
        Channel channel = new Channel(UUID.randomUUID().toString(), accountId, username, Account.key(username),
                listening, tokenHash, tokenExpiresAt, link, clock.millis(), seen);
        Channel replaced = null;
        synchronized (this) {
            if (full()) {
                return null;
            }
            List<Channel> mine = byUser.computeIfAbsent(channel.key, key -> new ArrayList<>());
            if (mine.size() >= MAX_CHANNELS_PER_USER) {
                replaced = mine.remove(0);
                byId.remove(replaced.id);
            }
            mine.add(channel);
            byId.put(channel.id, channel);
        }
        if (replaced != null) {
            close(replaced, POLICY, "replaced");
            afterRemoval(replaced);
        }
        try {
            if (!revocations.stillValid(List.of(tokenHash)).contains(tokenHash)) {
                // a logout told between the handshake's check and the registration above found no
                // channel to close; any told after the registration finds this one
                close(channel, POLICY, "logged out");
                closed(channel);
                return channel;
            }
            if (listening) {
                listeners.started(accountId);
            }
        } catch (RuntimeException databaseFailed) {
            // not registered half-way: the handler never learns of this channel to forget it
            close(channel, SERVER_ERROR, "try again");
            closed(channel);
            throw databaseFailed;
        }
        Map<String, Object> welcome = new LinkedHashMap<>();
        welcome.put("type", "welcome");
        welcome.put("username", username);
        RelayOffers.Point relay = relays.point();
        welcome.put("relay", relay == null ? null : point(relay));
        if (listening && keepsPresence) {
            welcome.put("presence", true); // while this channel is open, its presence needs no renewal
        }
        channel.link.send(json(welcome));
        return channel;
    }

    /** The channel has closed (either side); forgets it. */
    void closed(Channel channel) {
        channel.closed = true;
        boolean removed;
        synchronized (this) {
            List<Channel> mine = byUser.get(channel.key);
            removed = mine != null && mine.remove(channel);
            if (mine != null && mine.isEmpty()) {
                byUser.remove(channel.key);
            }
            byId.remove(channel.id);
        }
        if (removed) {
            afterRemoval(channel);
        }
    }

    private void afterRemoval(Channel channel) {
        if (!channel.listening) {
            return;
        }
        List<Channel> stillListening = local(channel.key).stream().filter(other -> other.listening).toList();
        if (stillListening.isEmpty()) {
            listeners.stopped(channel.accountId);
        } else if (keepsPresence) {
            // the presence they keep may be the closed one's address (one per user): theirs replaces it
            stillListening.forEach(other -> other.link.send(REPUBLISH));
        }
    }

    private synchronized List<Channel> local(String key) {
        List<Channel> mine = byUser.get(key);
        return mine == null ? List.of() : List.copyOf(mine);
    }

    private void close(Channel channel, int code, String reason) {
        channel.closed = true;
        channel.link.close(code, reason);
    }

    /** A token was revoked (logout): closes, on every instance, the channels opened with it. */
    void revoked(String username, String tokenHash) {
        bus.publish(new Envelope(Envelope.Kind.CLOSE, Account.key(username), SessionService.revocationKey(tokenHash), null, null, null, null));
    }

    /** Closes every channel (shutdown): peers reconnect, to another instance if there is one. */
    void closeAll() {
        for (Channel channel : List.copyOf(byId.values())) {
            close(channel, GOING_AWAY, "going away");
        }
        listeners.forgetAll();
    }

    // ------------------------------------------------------------------ what a channel sends

    /** The channel sent something, or answered a ping. */
    void heard(Channel channel) {
        channel.lastHeard = clock.millis();
    }

    /** A complete text frame from the channel. */
    void received(Channel channel, String text) {
        heard(channel);
        if (!allow(channel)) {
            error(channel, "rate", null);
            close(channel, POLICY, "rate");
            return;
        }
        Signal signal;
        try {
            signal = Signal.parse(text);
        } catch (Signal.InvalidSignalException e) {
            invalid(channel, false);
            return;
        }
        route(channel, signal);
    }

    /** A frame that cannot be a message (binary, or too big when {@code oversize}). */
    void invalid(Channel channel, boolean oversize) {
        heard(channel);
        error(channel, "invalid", null);
        if (oversize || ++channel.strikes >= MAX_STRIKES) {
            close(channel, POLICY, "invalid");
        }
    }

    /** The channel's token bucket: {@link #RATE_PER_SECOND} frames a second, bursts of {@link #RATE_BURST}. */
    private boolean allow(Channel channel) {
        long now = clock.millis();
        channel.allowance = Math.min(RATE_BURST,
                channel.allowance + Math.max(0, now - channel.allowanceAt) * RATE_PER_SECOND / 1000.0);
        channel.allowanceAt = now;
        if (channel.allowance < 1) {
            return false;
        }
        channel.allowance -= 1;
        return true;
    }

    private void route(Channel channel, Signal signal) {
        Instant now = clock.instant();
        String to = Account.key(signal.to());
        String attempt = signal.attempt();
        switch (signal.type()) {
            case CONNECT -> {
                if (!listeningAnywhere(to, channel)) {
                    error(channel, "offline", attempt);
                    return;
                }
                Channel.Registration registration = channel.register(attempt, Role.DIALER, to, signal.to(), now,
                        now.plus(ATTEMPT_TTL), MAX_ATTEMPTS);
                if (registration == null) {
                    error(channel, channel.registration(attempt, now) != null ? "unknown-attempt" : "rate", attempt);
                    return;
                }
                publish(signal, new Envelope(Envelope.Kind.CONNECT, to, attempt, Role.LISTENER.wire(), channel.key,
                        channel.id, signal.forwarded(channel.username, channel.seen)));
            }
            case RELAY -> {
                Channel.Registration registration = registered(channel, attempt, to, now);
                if (registration == null) {
                    error(channel, "unknown-attempt", attempt);
                    return;
                }
                RelayOffers.Point relay = relays.point();
                if (relay == null) {
                    error(channel, "relay-disabled", attempt);
                    return;
                }
                String token = channel.token(registration, registration.token != null ? registration.token : relays.mint());
                channel.link.send(json(offer(attempt, registration.peerName, token, registration.role, relay)));
                publish(signal, new Envelope(Envelope.Kind.OFFER, to, attempt, registration.role.other().wire(),
                        channel.key, channel.id, offer(attempt, channel.username, token, registration.role.other(), relay)));
            }
            default -> {
                Channel.Registration registration = registered(channel, attempt, to, now);
                boolean wrongRole = registration != null
                        && ((signal.type() == Signal.Type.ACCEPT || signal.type() == Signal.Type.REFUSE)
                                && registration.role != Role.LISTENER
                        || signal.type() == Signal.Type.SYNC && registration.role != Role.DIALER);
                if (registration == null || wrongRole) {
                    error(channel, "unknown-attempt", attempt);
                    return;
                }
                publish(signal, new Envelope(Envelope.Kind.FORWARD, to, attempt, registration.role.other().wire(),
                        channel.key, channel.id, signal.forwarded(channel.username, channel.seen)));
            }
        }
    }

    private static Channel.Registration registered(Channel channel, String attempt, String to, Instant now) {
        Channel.Registration registration = channel.registration(attempt, now);
        return registration != null && registration.peerKey.equals(to) ? registration : null;
    }

    /** A listening channel of {@code to} other than the sender: here, or (with a shared bus) anywhere. */
    private boolean listeningAnywhere(String to, Channel sender) {
        if (local(to).stream().anyMatch(channel -> channel.listening && channel != sender)) {
            return true;
        }
        return bus.shared() && listeners.listening(to);
    }

    private void publish(Signal signal, Envelope envelope) {
        forwarded.computeIfAbsent(signal.type().wire(), type -> Counter.builder("p2pchat.signal.messages")
                .description("Signalling messages accepted for delivery, by type").tag("type", type)
                .register(registry)).increment();
        bus.publish(envelope);
    }

    private void error(Channel channel, String reason, String attempt) {
        errors.computeIfAbsent(reason, r -> Counter.builder("p2pchat.signal.errors")
                .description("Signalling messages refused, by reason").tag("reason", r).register(registry)).increment();
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("reason", reason);
        if (attempt != null) {
            error.put("attempt", attempt);
        }
        channel.link.send(json(error));
    }

    private static Map<String, Object> offer(String attempt, String from, String token, Role role,
                                             RelayOffers.Point relay) {
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("type", "relay-offer");
        offer.put("attempt", attempt);
        offer.put("from", from);
        offer.put("token", token);
        offer.put("role", role.wire());
        offer.put("relay", point(relay));
        return offer;
    }

    private static Map<String, Object> point(RelayOffers.Point relay) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("host", relay.host());
        point.put("port", relay.port());
        return point;
    }

    // ------------------------------------------------------------------ what the bus brings

    /**
     * The bus listens (again): logouts told while it was down are lost to this instance. Every
     * token is checked again: the remembered ones at their next call, those of the channels open
     * here at once (no call of theirs would ever ask).
     */
    void resumed() {
        revocations.forgetAll();
        List<Channel> open = List.copyOf(byId.values());
        if (open.isEmpty()) {
            return;
        }
        Set<String> valid = revocations.stillValid(open.stream().map(channel -> channel.tokenHash).toList());
        for (Channel channel : open) {
            if (!valid.contains(channel.tokenHash)) {
                close(channel, POLICY, "logged out");
            }
        }
    }

    /** Delivers an envelope to this instance's matching channels. */
    void deliver(Envelope envelope) {
        if (envelope.kind() == Envelope.Kind.CLOSE && envelope.attempt() != null) {
            revocations.forget(envelope.attempt());
        }
        List<Channel> targets = local(envelope.to());
        if (targets.isEmpty()) {
            return;
        }
        if (envelope.kind() == Envelope.Kind.CLOSE) {
            for (Channel channel : targets) {
                if (channel.tokenKey.equals(envelope.attempt())) {
                    close(channel, POLICY, "logged out");
                }
            }
            return;
        }
        if (envelope.message() == null || envelope.attempt() == null || envelope.from() == null) {
            return;
        }
        Instant now = clock.instant();
        String text = json(envelope.message());
        Role role = Role.of(envelope.role());
        for (Channel channel : targets) {
            if (channel.closed) {
                continue;
            }
            if (envelope.kind() == Envelope.Kind.CONNECT) {
                Object from = envelope.message().get("from");
                if (channel.listening && !channel.id.equals(envelope.channel()) && from instanceof String name
                        && channel.register(envelope.attempt(), Role.LISTENER, envelope.from(), name, now,
                        now.plus(ATTEMPT_TTL), MAX_ATTEMPTS) != null) {
                    channel.link.send(text);
                }
                continue;
            }
            Channel.Registration registration = channel.registration(envelope.attempt(), now);
            if (registration == null || registration.role != role || !registration.peerKey.equals(envelope.from())) {
                continue;
            }
            if (envelope.kind() == Envelope.Kind.OFFER && envelope.message().get("token") instanceof String token) {
                channel.token(registration, token);
            }
            channel.link.send(text);
        }
    }

    // ------------------------------------------------------------------ every ping interval

    /**
     * Pings every channel, closes those idle past the timeout or whose token has expired, drops
     * expired attempts and renews this instance's listener rows.
     */
    void sweep() {
        sweep(0, 1);
    }

    /**
     * One of {@code slices} parts of the sweep: the channels whose id falls in {@code slice},
     * and this instance's listener rows with slice 0. Run one slice after another over the ping
     * interval, every channel is still pinged once per interval, but the pings, their pongs and
     * the presence kept are spread over it instead of arriving in one burst.
     */
    void sweep(int slice, int slices) {
        Instant now = clock.instant();
        long idleMillis = settings.idleTimeout().toMillis();
        long heardWithin = settings.pingInterval().toMillis() * 3 / 2;
        Map<String, List<Channel>> keeping = new HashMap<>();
        // weakly consistent: no copy of every channel each second for the slice's share of them
        for (Channel channel : byId.values()) {
            if (Math.floorMod(channel.id.hashCode(), slices) != slice) {
                continue;
            }
            if (!channel.tokenExpiresAt.isAfter(now)) {
                close(channel, POLICY, "token expired");
            } else if (now.toEpochMilli() - channel.lastHeard > idleMillis) {
                close(channel, GOING_AWAY, "idle");
            } else {
                channel.openAttempts(now);
                channel.link.ping();
                // only a channel that answered since its previous ping keeps presence: a dead
                // listener's lasts one TTL from its last pong, not until the idle timeout
                if (channel.listening && keepsPresence && now.toEpochMilli() - channel.lastHeard <= heardWithin) {
                    keeping.computeIfAbsent(channel.key, key -> new ArrayList<>(1)).add(channel);
                }
            }
        }
        boolean beat = slice == 0;
        if (beat || !keeping.isEmpty()) {
            try {
                databaseWork.execute(() -> {
                    if (beat) {
                        heartbeat();
                    }
                    try {
                        keepPresence(keeping);
                    } catch (RuntimeException e) {
                        failed.increment();
                        log.warn("Keeping presence for the listening channels failed: {}", e.toString());
                    }
                });
            } catch (RejectedExecutionException behind) {
                skipped.increment(); // the database is this far behind: the next interval renews them
            }
        }
    }

    /** Renews this instance's heartbeat; after a lapse, writes the listener rows of its channels again. */
    private void heartbeat() {
        try {
            if (listeners.renewAll()) {
                Set<Long> accounts = new HashSet<>();
                for (Channel channel : byId.values()) {
                    if (channel.listening && !channel.closed) {
                        accounts.add(channel.accountId);
                    }
                }
                accounts.forEach(listeners::started);
                log.warn("This instance's listener heartbeat had lapsed; wrote the rows of {} listening users again",
                        accounts.size());
            }
        } catch (RuntimeException e) {
            failed.increment();
            log.warn("Renewing this instance's listener heartbeat failed: {}", e.toString());
        }
    }

    /**
     * Renews, in one call, the presence of every user with a live listening channel here; a user
     * who has none to renew (never published, or lost with the store) is asked to publish again.
     */
    private void keepPresence(Map<String, List<Channel>> keeping) {
        if (keeping.isEmpty()) {
            return;
        }
        Set<String> missing = presences.keepOnline(keeping.keySet());
        if (missing.isEmpty()) {
            return;
        }
        for (String key : missing) {
            for (Channel channel : keeping.getOrDefault(key, List.of())) {
                channel.link.send(REPUBLISH);
            }
        }
        republished.increment(missing.size());
    }

    // ------------------------------------------------------------------ helpers

    private static String json(Map<String, Object> message) {
        return Signal.JSON.writeValueAsString(message);
    }
}
