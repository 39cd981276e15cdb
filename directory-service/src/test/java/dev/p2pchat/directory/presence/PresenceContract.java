package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.LoggedOut;
import dev.p2pchat.directory.system.DirectoryProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The presence contract, run against every {@link PresenceStore}: TTL and expiry, renewal, offline
 * on DELETE and on logout, the online list's keyset paging, the purge of expired entries and the
 * last-seen times it keeps, and that a renewal writes nothing durable. Each backend is one
 * subclass: memory and table on H2 in the default build, table on PostgreSQL (UNLOGGED) under
 * the {@code postgres-it} profile. The clock is moved by hand.
 */
abstract class PresenceContract {

    static final Duration TTL = Duration.ofSeconds(60);

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private PresenceService presence;
    private PresenceExpiry expiry;
    private long nextId = 1;

    /** An empty store of the backend. */
    protected abstract PresenceStore freshStore();

    protected abstract JdbcTemplate jdbc();

    protected abstract JdbcClient jdbcClient();

    protected abstract AccountRepository accounts();

    protected abstract TransactionTemplate transactions();

    @BeforeEach
    void wire() {
        // statements through JdbcTemplate commit on their own here: start from an empty database
        jdbc().update("delete from account");
        PresenceStore store = freshStore();
        DirectoryProperties properties = new DirectoryProperties(new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
                new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)),
                new DirectoryProperties.Presence(TTL), new DirectoryProperties.Bcrypt(4, 1, 4), Path.of("data"),
                new DirectoryProperties.H2(40),
                new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 100_000, 600, Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 50_000), List.of());
        presence = new PresenceService(store, accounts(), new PeerLookups(jdbcClient()), properties, clock);
        expiry = new PresenceExpiry(store, new LastSeen(jdbc(), transactions()), clock);
    }

    /** The same the other way: what these tests committed must not meet the next test class. */
    @AfterEach
    void leaveNothingBehind() {
        jdbc().update("delete from account");
    }

    protected PresenceService presence() {
        return presence;
    }

    protected PresenceExpiry expiry() {
        return expiry;
    }

    protected AuthenticatedUser user(String name) {
        long id = nextId++;
        jdbc().update("insert into account (id, username, username_key, password_hash, created_at) values (?, ?, ?, 'x', ?)",
                id, name, name.toLowerCase(Locale.ROOT), utc(clock.instant()));
        return new AuthenticatedUser(id, name, "hash-of-" + name);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    protected Instant lastSeenColumn(AuthenticatedUser user) {
        OffsetDateTime value = jdbc().queryForObject("select last_seen from account where id = ?", OffsetDateTime.class,
                user.accountId());
        return value == null ? null : value.toInstant();
    }

    @Test
    void onlinePeersArePagedByUsernameCaseInsensitively() {
        for (String name : new String[] {"delta", "Bravo", "alpha", "Charlie", "echo"}) {
            presence.goOnline(user(name), "127.0.0.1", 7000);
        }

        PresenceService.Page first = presence.online(2, null);
        assertThat(first.peers()).extracting(Presence::username).containsExactly("alpha", "Bravo");
        assertThat(first.next()).isEqualTo("Bravo");
        PresenceService.Page second = presence.online(2, first.next());
        assertThat(second.peers()).extracting(Presence::username).containsExactly("Charlie", "delta");
        PresenceService.Page last = presence.online(2, "DELTA");
        assertThat(last.peers()).extracting(Presence::username).containsExactly("echo");
        assertThat(last.next()).isNull();
    }

    @Test
    void expiredPeersAreLeftOutOfPagesWithoutShorteningThem() {
        for (String name : new String[] {"anna", "bert", "carl", "dora", "emil"}) {
            presence.goOnline(user(name), "127.0.0.1", 7000);
        }
        clock.advance(Duration.ofSeconds(30));
        presence.goOnline(user("beth"), "127.0.0.1", 7000);
        presence.goOnline(user("cleo"), "127.0.0.1", 7000);
        presence.goOnline(user("finn"), "127.0.0.1", 7000);
        clock.advance(Duration.ofSeconds(31));

        PresenceService.Page page = presence.online(2, null);
        assertThat(page.peers()).extracting(Presence::username).containsExactly("beth", "cleo");
        assertThat(page.next()).isEqualTo("cleo");
        assertThat(presence.online(2, page.next()).peers()).extracting(Presence::username).containsExactly("finn");
    }

    @Test
    void presenceExpiresAfterItsTtlUnlessRenewed() {
        AuthenticatedUser alice = user("alice");
        AuthenticatedUser bob = user("bob");
        presence.goOnline(alice, "127.0.0.1", 7000);
        presence.goOnline(bob, "127.0.0.1", 7001);

        clock.advance(Duration.ofSeconds(40));
        presence.goOnline(alice, "127.0.0.2", 7002, List.of(new LocalAddresses.Address("192.0.2.7", 7002)));
        clock.advance(Duration.ofSeconds(21));

        assertThat(presence.online(10, null).peers()).extracting(Presence::username).containsExactly("alice");
        PeerView found = presence.lookup("ALICE");
        assertThat(found.online()).isTrue();
        assertThat(found.host()).isEqualTo("127.0.0.2");
        assertThat(found.port()).isEqualTo(7002);
        assertThat(found.addresses()).containsExactly(new LocalAddresses.Address("192.0.2.7", 7002));
        assertThat(found.lastSeen()).isEqualTo(clock.instant().minusSeconds(21));
        PeerView bobView = presence.lookup("bob");
        assertThat(bobView.online()).isFalse();
        assertThat(bobView.host()).isNull();
        assertThat(bobView.port()).isNull();
        assertThat(bobView.addresses()).isEmpty();
        assertThat(bobView.lastSeen()).as("its last renewal, even before the purge")
                .isEqualTo(clock.instant().minusSeconds(61));
    }

    @Test
    void aRenewalReplacesTheAddressesAndExpiresOneTtlLater() {
        AuthenticatedUser alice = user("alice");
        presence.goOnline(alice, "127.0.0.1", 7000, List.of(new LocalAddresses.Address("192.0.2.7", 7000)));
        clock.advance(Duration.ofSeconds(59));
        Presence renewed = presence.goOnline(alice, "127.0.0.3", 7003);

        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        clock.advance(Duration.ofSeconds(59));
        PeerView found = presence.lookup("alice");
        assertThat(found.online()).isTrue();
        assertThat(found.host()).isEqualTo("127.0.0.3");
        assertThat(found.addresses()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(presence.lookup("alice").online()).as("exactly one TTL after the renewal").isFalse();
    }

    @Test
    void keepingOnlineExtendsLivePresenceAsPublishedAndNamesThoseWithNone() {
        AuthenticatedUser alice = user("Alice");
        AuthenticatedUser bob = user("bob");
        user("carol"); // never published
        presence.goOnline(alice, "127.0.0.1", 7000, List.of(new LocalAddresses.Address("192.0.2.7", 7000)));
        presence.goOnline(bob, "127.0.0.1", 7001);
        clock.advance(Duration.ofSeconds(61)); // bob's has expired, not yet purged
        presence.goOnline(alice, "127.0.0.2", 7002, List.of(new LocalAddresses.Address("192.0.2.8", 7002)));
        clock.advance(Duration.ofSeconds(50));

        assertThat(presence.keepOnline(List.of("alice", "bob", "carol"))).containsExactlyInAnyOrder("bob", "carol");

        clock.advance(Duration.ofSeconds(59));
        PeerView found = presence.lookup("alice");
        assertThat(found.online()).as("one TTL after it was kept, not after its PUT").isTrue();
        assertThat(found.host()).isEqualTo("127.0.0.2");
        assertThat(found.port()).isEqualTo(7002);
        assertThat(found.addresses()).containsExactly(new LocalAddresses.Address("192.0.2.8", 7002));
        assertThat(found.lastSeen()).isEqualTo(clock.instant().minusSeconds(59));
        assertThat(presence.lookup("bob").online()).as("expired presence is not revived").isFalse();
        assertThat(presence.lookup("carol").online()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(presence.lookup("alice").online()).isFalse();
        assertThat(presence.keepOnline(List.of())).isEmpty();
    }

    @Test
    void keepingManyOnlineAtOnceSpansStatements() {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            AuthenticatedUser peer = user("peer" + i);
            if (i % 3 != 0) {
                presence.goOnline(peer, "127.0.0.1", 7000);
            }
            keys.add("peer" + i);
        }
        clock.advance(Duration.ofSeconds(40));

        assertThat(presence.keepOnline(keys)).hasSize(400).allMatch(key -> Integer.parseInt(key.substring(4)) % 3 == 0);

        clock.advance(Duration.ofSeconds(40));
        assertThat(presence.online(500, null).peers()).hasSize(500);
        assertThat(presence.lookup("peer1199").online()).isTrue();
    }

    @Test
    void aRenewalWritesNothingDurable() {
        AuthenticatedUser alice = user("alice");
        for (int i = 0; i < 3; i++) {
            presence.goOnline(alice, "127.0.0.1", 7000);
            clock.advance(Duration.ofSeconds(20));
        }

        assertThat(lastSeenColumn(alice)).as("the account row is untouched while online").isNull();
        assertThat(presence.lookup("alice").lastSeen()).isEqualTo(clock.instant().minusSeconds(20));
    }

    @Test
    void goingOfflineRemovesPresenceAndRemembersWhenTheUserWasLastSeen() {
        AuthenticatedUser alice = user("alice");
        presence.goOnline(alice, "127.0.0.1", 7000);
        clock.advance(Duration.ofSeconds(5));

        presence.goOffline(alice);

        PeerView found = presence.lookup("alice");
        assertThat(found.online()).isFalse();
        assertThat(found.lastSeen()).isEqualTo(clock.instant());
        assertThat(presence.online(10, null).peers()).isEmpty();
    }

    @Test
    void loggingOutGoesOffline() {
        AuthenticatedUser alice = user("Alice");
        presence.goOnline(alice, "127.0.0.1", 7000);
        clock.advance(Duration.ofSeconds(5));

        presence.on(new LoggedOut(alice.accountId(), "Alice", alice.tokenHash()));

        assertThat(presence.lookup("alice").online()).isFalse();
        assertThat(presence.online(10, null).peers()).isEmpty();
        assertThat(lastSeenColumn(alice)).isEqualTo(clock.instant());
    }

    @Test
    void goingOfflineWhenNotOnlineChangesNothing() {
        AuthenticatedUser alice = user("alice");

        presence.goOffline(alice);

        assertThat(lastSeenColumn(alice)).isNull();
    }

    @Test
    void expiredPresenceIsPurgedInBatchesKeepingEachLastRenewalAsLastSeen() {
        int expired = LastSeen.BATCH * 2 + 3;
        for (int i = 0; i < expired; i++) {
            presence.goOnline(user("gone" + i), "127.0.0.1", 7000);
        }
        Instant renewedAt = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        AuthenticatedUser stays = user("stays");
        presence.goOnline(stays, "127.0.0.1", 7001);
        clock.advance(Duration.ofSeconds(31));

        expiry.purgeExpired();

        assertThat(jdbc().queryForObject("select count(*) from account where last_seen = ?", Long.class,
                utc(renewedAt))).isEqualTo(expired);
        assertThat(lastSeenColumn(stays)).isNull();
        assertThat(presence.online(10, null).peers()).extracting(Presence::username).containsExactly("stays");
        assertThat(presence.lookup("gone0").lastSeen()).isEqualTo(renewedAt);
    }

    @Test
    void aPurgeNeverMovesLastSeenBack() {
        AuthenticatedUser alice = user("alice");
        presence.goOnline(alice, "127.0.0.1", 7000);
        Instant later = clock.instant().plusSeconds(30);
        // e.g. written by another instance, where the same account logged out later
        jdbc().update("update account set last_seen = ? where id = ?", utc(later), alice.accountId());
        clock.advance(Duration.ofSeconds(61));

        expiry.purgeExpired();

        assertThat(lastSeenColumn(alice)).isEqualTo(later);
        assertThat(presence.lookup("alice").lastSeen()).isEqualTo(later);
    }

    @Test
    void unknownAndInvalidNamesAreNotFound() {
        for (String name : new String[] {"nobody", "../etc", "x".repeat(500), ""}) {
            assertThatThrownBy(() -> presence.lookup(name)).isInstanceOf(NoSuchAccountException.class);
        }
    }
}
