package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.account.ValidUsername;
import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.LoggedOut;
import dev.p2pchat.directory.system.DirectoryProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Who is online, where they listen, and looking peers up. Presence lives in a
 * {@link PresenceStore} (soft state); only going offline by logout or DELETE writes the
 * account's durable last-seen time ({@link PresenceExpiry} does it for presence that expired).
 */
@Service
public class PresenceService {

    private static final Pattern USERNAME = Pattern.compile(ValidUsername.PATTERN);

    private final PresenceStore store;
    private final AccountRepository accounts;
    private final Duration ttl;
    private final Clock clock;
    private final PeerLookups lookups;

    public PresenceService(PresenceStore store, AccountRepository accounts, PeerLookups lookups,
                           DirectoryProperties properties, Clock clock) {
        this.lookups = lookups;
        this.store = store;
        this.accounts = accounts;
        this.ttl = properties.presence().ttl();
        this.clock = clock;
    }

    /** Publishes or renews where the caller listens, for {@code ttl} from now. */
    public Presence goOnline(AuthenticatedUser user, String host, int port) {
        return goOnline(user, host, port, List.of());
    }

    /**
     * Publishes or renews where the caller listens, for {@code ttl} from now, with its own
     * interface addresses ({@code local}, already checked: literals, none loopback or
     * link-local); each call replaces the previous list.
     */
    public Presence goOnline(AuthenticatedUser user, String host, int port, List<LocalAddresses.Address> local) {
        Instant now = clock.instant();
        Presence entry = new Presence(user.accountId(), user.username(), Account.key(user.username()), host, port,
                LocalAddresses.encode(local), now, now.plus(ttl));
        store.put(entry);
        return entry;
    }

    /**
     * Keeps online for {@code ttl} from now the peers (username keys) whose listening signalling
     * channels are open: their presence, as their last PUT published it, renewed without a request
     * of theirs. Returns the keys with no presence to keep (never published, expired, or lost with
     * the store): those peers must publish again.
     */
    public Set<String> keepOnline(Collection<String> usernameKeys) {
        if (usernameKeys.isEmpty()) {
            return Set.of();
        }
        Instant now = clock.instant();
        return store.keepOnline(usernameKeys, now, now.plus(ttl));
    }

    /** How long presence lasts without a renewal. */
    public Duration ttl() {
        return ttl;
    }

    public void goOffline(AuthenticatedUser user) {
        goOffline(user.accountId(), user.username());
    }

    /** Logging out also goes offline, before the logout answers (the event comes on its thread). */
    @EventListener
    void on(LoggedOut loggedOut) {
        goOffline(loggedOut.accountId(), loggedOut.username());
    }

    private void goOffline(long accountId, String username) {
        if (store.remove(Account.key(username))) {
            accounts.updateLastSeen(accountId, clock.instant());
        }
    }

    public record Page(List<Presence> peers, String next) {
    }

    /** Online peers ordered by username, at most {@code limit}, after the cursor {@code after}. */
    public Page online(int limit, String after) {
        String afterKey = after == null ? "" : Account.key(after);
        List<Presence> rows = store.online(afterKey, limit + 1, clock.instant());
        if (rows.size() > limit) {
            List<Presence> page = rows.subList(0, limit);
            return new Page(page, page.get(limit - 1).username());
        }
        return new Page(rows, null);
    }

    /**
     * A name that is not even a valid username is simply not found (and never echoed). An
     * expired entry not yet purged still tells when the peer was last seen.
     */
    public PeerView lookup(String username) {
        if (!USERNAME.matcher(username).matches()) {
            throw new NoSuchAccountException();
        }
        String key = Account.key(username);
        Instant now = clock.instant();
        PeerView account = lookups.find(key, now).orElseThrow(NoSuchAccountException::new);
        Optional<Presence> presence = store.find(key);
        if (presence.isEmpty()) {
            return account;
        }
        Presence entry = presence.get();
        if (entry.onlineAt(now)) {
            return new PeerView(account.username(), account.fingerprint(), account.accountLastSeen(), entry.host(),
                    entry.port(), entry.updatedAt(), LocalAddresses.decode(entry.addresses()), account.signal());
        }
        Instant seen = account.accountLastSeen() == null || account.accountLastSeen().isBefore(entry.updatedAt())
                ? entry.updatedAt() : account.accountLastSeen();
        return new PeerView(account.username(), account.fingerprint(), seen, null, null, null, List.of(),
                account.signal());
    }
}
