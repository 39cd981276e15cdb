package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.system.DirectoryProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/** Presence, expiry, paging and lookup on the real schema with a hand-moved clock. */
@DataJpaTest
@ActiveProfiles("test")
@Import({PresenceService.class, PeerLookups.class, PresenceServiceTest.Config.class})
class PresenceServiceTest {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));

    @TestConfiguration
    static class Config {
        @Bean
        Clock clock() {
            return CLOCK;
        }

        @Bean
        DirectoryProperties properties() {
            return new DirectoryProperties(new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
                    new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)),
                    new DirectoryProperties.Presence(Duration.ofSeconds(60)),
                    new DirectoryProperties.Bcrypt(4, 1, 4), Path.of("data"), new DirectoryProperties.H2(40), new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 100_000, 600, Duration.ofMinutes(1)),
                java.util.List.of());
        }
    }

    @Autowired
    PresenceService presence;

    @Autowired
    AccountRepository accounts;

    private AuthenticatedUser user(String name) {
        Account account = accounts.saveAndFlush(new Account(name, "$2a$04$hash", CLOCK.instant()));
        return new AuthenticatedUser(account.getId(), name, "hash-of-" + name);
    }

    @Test
    void onlinePeersArePagedByUsernameCaseInsensitively() {
        for (String name : new String[] {"delta", "Bravo", "alpha", "Charlie", "echo"}) {
            presence.goOnline(user(name), "127.0.0.1", 7000);
        }

        PresenceService.Page first = presence.online(2, null);
        assertThat(first.peers()).extracting(Presence::getUsername).containsExactly("alpha", "Bravo");
        assertThat(first.next()).isEqualTo("Bravo");
        PresenceService.Page second = presence.online(2, first.next());
        assertThat(second.peers()).extracting(Presence::getUsername).containsExactly("Charlie", "delta");
        PresenceService.Page last = presence.online(2, "DELTA");
        assertThat(last.peers()).extracting(Presence::getUsername).containsExactly("echo");
        assertThat(last.next()).isNull();
    }

    @Test
    void presenceExpiresAfterItsTtlUnlessRenewed() {
        AuthenticatedUser alice = user("alice");
        AuthenticatedUser bob = user("bob");
        presence.goOnline(alice, "127.0.0.1", 7000);
        presence.goOnline(bob, "127.0.0.1", 7001);

        CLOCK.advance(Duration.ofSeconds(40));
        presence.goOnline(alice, "127.0.0.2", 7002);
        CLOCK.advance(Duration.ofSeconds(21));

        assertThat(presence.online(10, null).peers()).extracting(Presence::getUsername).containsExactly("alice");
        PeerView found = presence.lookup("ALICE");
        assertThat(found.online()).isTrue();
        assertThat(found.host()).isEqualTo("127.0.0.2");
        assertThat(found.port()).isEqualTo(7002);
        assertThat(found.lastSeen()).isEqualTo(CLOCK.instant().minusSeconds(21));
        PeerView bobView = presence.lookup("bob");
        assertThat(bobView.online()).isFalse();
        assertThat(bobView.host()).isNull();
        assertThat(bobView.port()).isNull();
    }

    @Test
    void goingOfflineRemovesPresenceAndRemembersWhenTheUserWasLastSeen() {
        AuthenticatedUser alice = user("alice");
        presence.goOnline(alice, "127.0.0.1", 7000);
        CLOCK.advance(Duration.ofSeconds(5));

        presence.goOffline(alice);

        PeerView found = presence.lookup("alice");
        assertThat(found.online()).isFalse();
        assertThat(found.lastSeen()).isEqualTo(CLOCK.instant());
    }

    @Test
    void unknownAndInvalidNamesAreNotFound() {
        for (String name : new String[] {"nobody", "../etc", "x".repeat(500), ""}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> presence.lookup(name))
                    .isInstanceOf(NoSuchAccountException.class);
        }
    }
}
