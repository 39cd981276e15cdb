package dev.p2pchat.directory.presence;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is online and where they listen: soft state with a TTL, kept apart from the durable
 * accounts and tokens so that a renewal never costs a synced commit. Every implementation keeps
 * the same contract ({@code PresenceStoreContract} in the tests): one entry per account, keyed by
 * its username key; an entry whose {@code expiresAt} has passed is offline (and listed by no
 * one) even before {@link #purgeExpired} removes it.
 */
public interface PresenceStore {

    /** Publishes or renews (replaces) the entry of {@code entry.usernameKey()}. */
    void put(Presence entry);

    /**
     * Extends the unexpired entries of these username keys to {@code expiresAt}, seen at
     * {@code now}, their addresses unchanged; returns the keys that had no unexpired entry. The
     * renewal of the peers whose listening signalling channels are open, many at once.
     */
    Set<String> keepOnline(Collection<String> usernameKeys, Instant now, Instant expiresAt);

    /** Removes the entry of a username key; false when there was none. */
    boolean remove(String usernameKey);

    /** The entry of a username key, expired or not (the caller compares {@code expiresAt}). */
    Optional<Presence> find(String usernameKey);

    /** Unexpired entries with a username key after {@code afterKey}, in username-key order, at most {@code limit}. */
    List<Presence> online(String afterKey, int limit, Instant now);

    /** How many entries have not expired at {@code now}. */
    long countOnline(Instant now);

    /**
     * Removes at most {@code max} entries that had expired at {@code now} and returns them (their
     * {@code updatedAt} is when the peer was last seen); an entry renewed meanwhile stays.
     */
    List<Presence> purgeExpired(Instant now, int max);

    /**
     * The entries this store loses when this instance stops (the peers' last renewals, to be kept
     * as their accounts' last-seen times); empty for a store that outlives the instance.
     */
    Collection<Presence> lostOnStop();

    /** A short name for logs and metrics: {@code memory} or {@code table}. */
    String name();
}
