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
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/** Who is online, where they listen, and looking peers up. */
@Service
public class PresenceService {

    private static final Pattern USERNAME = Pattern.compile(ValidUsername.PATTERN);

    private final PresenceRepository presence;
    private final AccountRepository accounts;
    private final Duration ttl;
    private final Clock clock;
    private final PeerLookups lookups;

    public PresenceService(PresenceRepository presence, AccountRepository accounts, PeerLookups lookups,
                           DirectoryProperties properties, Clock clock) {
        this.lookups = lookups;
        this.presence = presence;
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
        Instant expiresAt = now.plus(ttl);
        String addresses = LocalAddresses.encode(local);
        if (presence.renew(user.accountId(), host, port, addresses, now, expiresAt) == 0) {
            try {
                presence.saveAndFlush(new Presence(user.accountId(), user.username(), Account.key(user.username()),
                        host, port, addresses, now, expiresAt));
            } catch (DataIntegrityViolationException raced) {
                // another request of the same user inserted first: renew that row instead
                presence.renew(user.accountId(), host, port, addresses, now, expiresAt);
            }
        }
        accounts.updateLastSeen(user.accountId(), now);
        return new Presence(user.accountId(), user.username(), Account.key(user.username()), host, port, addresses,
                now, expiresAt);
    }

    public void goOffline(AuthenticatedUser user) {
        goOffline(user.accountId());
    }

    /** Logging out also goes offline, before the logout answers (the event comes on its thread). */
    @EventListener
    void on(LoggedOut loggedOut) {
        goOffline(loggedOut.accountId());
    }

    private void goOffline(long accountId) {
        if (presence.deleteByAccount(accountId) > 0) {
            accounts.updateLastSeen(accountId, clock.instant());
        }
    }

    public record Page(List<Presence> peers, String next) {
    }

    /** Online peers ordered by username, at most {@code limit}, after the cursor {@code after}. */
    public Page online(int limit, String after) {
        String afterKey = after == null ? "" : Account.key(after);
        List<Presence> rows = presence.findByExpiresAtAfterAndUsernameKeyGreaterThanOrderByUsernameKeyAsc(
                clock.instant(), afterKey, Limit.of(limit + 1));
        if (rows.size() > limit) {
            List<Presence> page = rows.subList(0, limit);
            return new Page(page, page.get(limit - 1).getUsername());
        }
        return new Page(rows, null);
    }

    /** A name that is not even a valid username is simply not found (and never echoed). */
    public PeerView lookup(String username) {
        Optional<PeerView> found = USERNAME.matcher(username).matches()
                ? lookups.find(Account.key(username), clock.instant())
                : Optional.empty();
        return found.orElseThrow(NoSuchAccountException::new);
    }
}
