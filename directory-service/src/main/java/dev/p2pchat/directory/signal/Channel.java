package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.session.SessionService;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One open signalling channel: who opened it (with which token), whether it listens, and the
 * attempts registered on it, each with its role and the other peer. All state is bounded:
 * {@link SignalRouter#MAX_ATTEMPTS} attempts, one frame being reassembled, a token bucket.
 */
final class Channel {

    /** The transport under a channel; neither method blocks the caller. */
    interface Link {
        void send(String text);

        void ping();

        void close(int code, String reason);
    }

    /** An attempt as this channel takes part in it. */
    static final class Registration {
        final Role role;
        final String peerKey;
        final String peerName;
        final Instant expiresAt;
        String token;

        Registration(Role role, String peerKey, String peerName, Instant expiresAt) {
            this.role = role;
            this.peerKey = peerKey;
            this.peerName = peerName;
            this.expiresAt = expiresAt;
        }
    }

    final String id;
    final long accountId;
    final String username;
    final String key;
    final boolean listening;
    /** The stored hash of the token the channel was opened with, checked again after the bus was down. */
    final String tokenHash;
    /** Identifies that token between instances (a hash of its stored hash), for closing at logout. */
    final String tokenKey;
    final Instant tokenExpiresAt;
    /** The address the directory sees this channel come from (null when unknown). */
    final String seen;
    final Link link;
    /** Guarded by this. */
    private final Map<String, Registration> attempts = new HashMap<>();

    // touched on the channel's own receiving thread only (the container delivers one frame at a time)
    final StringBuilder partial = new StringBuilder();
    int strikes;
    double allowance;
    long allowanceAt;

    volatile long lastHeard;
    volatile boolean closed;

    Channel(String id, long accountId, String username, String key, boolean listening, String tokenHash,
            Instant tokenExpiresAt, Link link, long now, String seen) {
        this.seen = seen;
        this.id = id;
        this.accountId = accountId;
        this.username = username;
        this.key = key;
        this.listening = listening;
        this.tokenHash = tokenHash;
        this.tokenKey = SessionService.revocationKey(tokenHash);
        this.tokenExpiresAt = tokenExpiresAt;
        this.link = link;
        this.lastHeard = now;
        this.allowance = SignalRouter.RATE_BURST;
        this.allowanceAt = now;
    }

    synchronized Registration registration(String attempt, Instant now) {
        Registration registration = attempts.get(attempt);
        return registration != null && registration.expiresAt.isAfter(now) ? registration : null;
    }

    /**
     * Registers an attempt, or returns the existing registration of the same role and peer;
     * null when the attempt is registered otherwise or the channel has too many open.
     */
    synchronized Registration register(String attempt, Role role, String peerKey, String peerName, Instant now,
                                       Instant expiresAt, int max) {
        attempts.values().removeIf(registration -> !registration.expiresAt.isAfter(now));
        Registration existing = attempts.get(attempt);
        if (existing != null) {
            return existing.role == role && existing.peerKey.equals(peerKey) ? existing : null;
        }
        if (attempts.size() >= max) {
            return null;
        }
        Registration registration = new Registration(role, peerKey, peerName, expiresAt);
        attempts.put(attempt, registration);
        return registration;
    }

    synchronized int openAttempts(Instant now) {
        attempts.values().removeIf(registration -> !registration.expiresAt.isAfter(now));
        return attempts.size();
    }

    /** Sets the relay token of an attempt once; the token it has afterwards. */
    synchronized String token(Registration registration, String token) {
        if (registration.token == null) {
            registration.token = token;
        }
        return registration.token;
    }
}
