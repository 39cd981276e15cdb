package dev.p2pchat.directory.presence;

import java.time.Instant;
import java.util.List;

/**
 * A peer as a lookup shows it: the account (one query) and, when it is online, its
 * presence ({@code host} is null when offline) with its own addresses; and whether it has a
 * listening signalling channel open on any instance ({@code signal}).
 */
public record PeerView(String username, String fingerprint, Instant accountLastSeen, String host, Integer port,
                       Instant presenceUpdatedAt, List<LocalAddresses.Address> addresses, boolean signal) {

    public boolean online() {
        return host != null;
    }

    /** The last renewal while online, otherwise when the peer was last seen online. */
    public Instant lastSeen() {
        return online() ? presenceUpdatedAt : accountLastSeen;
    }
}
