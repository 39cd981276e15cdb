package dev.p2pchat.directory.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.relay.RelayOffers;
import dev.p2pchat.directory.session.SessionService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The routing rules and bounds, without any WebSocket: channels are recording links. */
class SignalRouterTest {

    private static final String ATTEMPT = "AAAAAAAAAAAAAAAAAAAAAA";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final Set<Long> listening = new HashSet<>();
    private boolean heartbeatLapsed;
    private RelayOffers.Point relay = new RelayOffers.Point(null, 8082);
    private int minted;
    /** What the sweeps asked presence to keep, and the keys presence has nothing for. */
    private final List<Set<String>> kept = new ArrayList<>();
    private final Set<String> withoutPresence = new HashSet<>();
    private final SignalRouter.Presences presences = new SignalRouter.Presences() {
        @Override
        public Set<String> keepOnline(Collection<String> usernameKeys) {
            kept.add(Set.copyOf(usernameKeys));
            Set<String> missing = new HashSet<>(usernameKeys);
            missing.retainAll(withoutPresence);
            return missing;
        }

        @Override
        public Duration ttl() {
            return Duration.ofSeconds(60);
        }
    };
    private final List<String> forgotten = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final SignalRouter.Revocations revocations = new SignalRouter.Revocations() {
        @Override
        public void forget(String tokenKey) {
            forgotten.add(tokenKey);
        }

        @Override
        public void forgetAll() {
            forgotten.add("*");
        }

        @Override
        public Set<String> stillValid(Collection<String> tokenHashes) {
            channelsWhenChecked.add(router.size());
            if (databaseDown) {
                throw new IllegalStateException("the database is down");
            }
            Set<String> valid = new HashSet<>(tokenHashes);
            valid.removeAll(revokedHashes);
            return valid;
        }
    };
    /** Token hashes the database would say are no longer valid. */
    private final Set<String> revokedHashes = new HashSet<>();
    /** How many channels were registered at each check of {@code stillValid}. */
    private final List<Integer> channelsWhenChecked = new ArrayList<>();
    private boolean databaseDown;

    private final SignalRouter router = router(Duration.ofSeconds(20));

    private SignalRouter router(Duration pingInterval) {
        return new SignalRouter(new InMemorySignalBus(), revocations, new SignalRouter.Relays() {
        @Override
        public RelayOffers.Point point() {
            return relay;
        }

        @Override
        public String mint() {
            return "token-" + ++minted;
        }
    }, new SignalRouter.Listeners() {
        @Override
        public void started(long accountId) {
            listening.add(accountId);
        }

        @Override
        public void stopped(long accountId) {
            listening.remove(accountId);
        }

        @Override
        public boolean listening(String usernameKey) {
            return false;
        }

        @Override
        public boolean renewAll() {
            return heartbeatLapsed;
        }

        @Override
        public void forgetAll() {
            listening.clear();
        }
    }, presences, Runnable::run, clock, new SignalProperties(100, pingInterval, pingInterval.multipliedBy(3)),
            new SimpleMeterRegistry());
    }

    /** A link that records what the channel was sent and how it was closed. */
    static final class Recording implements Channel.Link {
        final List<JsonNode> sent = new ArrayList<>();
        int pings;
        Integer closedWith;
        String closeReason;

        @Override
        public void send(String text) {
            sent.add(Signal.JSON.readTree(text));
        }

        @Override
        public void ping() {
            pings++;
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
            closeReason = reason;
        }

        JsonNode last() {
            return sent.get(sent.size() - 1);
        }

        List<String> types() {
            return sent.stream().map(m -> m.get("type").asString()).toList();
        }
    }

    private record Open(Channel channel, Recording link) {
    }

    private Open open(long id, String username, boolean listens) {
        Recording link = new Recording();
        Channel channel = router.open(id, username, listens, "hash-" + username, clock.instant().plus(Duration.ofHours(12)),
                link);
        return new Open(channel, link);
    }

    private void say(Open from, String json) {
        router.received(from.channel(), json);
    }

    private static String connect(String to, String attempt) {
        return "{\"type\":\"connect\",\"to\":\"" + to + "\",\"attempt\":\"" + attempt + "\",\"addresses\":[]}";
    }

    private static String message(String type, String to, String extra) {
        return "{\"type\":\"" + type + "\",\"to\":\"" + to + "\",\"attempt\":\"" + ATTEMPT + "\"" + extra + "}";
    }

    @Test
    void theWelcomeNamesTheUserAndTheRelayOrNullWhenDisabled() {
        Open alice = open(1, "Alice", false);
        assertThat(alice.link().last().get("username").asString()).isEqualTo("Alice");
        assertThat(alice.link().last().get("relay").get("port").asInt()).isEqualTo(8082);
        assertThat(alice.link().last().get("relay").get("host").isNull()).isTrue();

        relay = null;
        assertThat(open(2, "bob", false).link().last().get("relay").isNull()).isTrue();
    }

    /** The token cache of every instance hears of every logout, whether or not it holds a channel of that user. */
    @Test
    void aLogoutReachesTheTokenCacheEvenWhereTheUserHasNoChannel() {
        router.revoked("Carol", "stored-hash-of-carols-token");

        assertThat(forgotten).containsExactly(SessionService.revocationKey("stored-hash-of-carols-token"));
    }

    @Test
    void aConnectReachesEveryListeningChannelOfTheUserButNotTheOthers() {
        Open bobListening = open(2, "bob", true);
        Open bobListeningToo = open(2, "bob", true);
        Open bobChatting = open(2, "bob", false);
        Open alice = open(1, "alice", false);

        say(alice, connect("BOB", ATTEMPT));

        assertThat(bobListening.link().last().get("type").asString()).isEqualTo("connect");
        assertThat(bobListening.link().last().get("from").asString()).isEqualTo("alice");
        assertThat(bobListeningToo.link().last().get("type").asString()).isEqualTo("connect");
        assertThat(bobChatting.link().types()).containsExactly("welcome");
        assertThat(alice.link().types()).containsExactly("welcome");
    }

    @Test
    void aConnectToAUserWithoutAListeningChannelIsOffline() {
        Open alice = open(1, "alice", true);
        open(2, "bob", false);

        say(alice, connect("bob", ATTEMPT));
        assertThat(alice.link().last().get("reason").asString()).isEqualTo("offline");
        say(alice, connect("alice", ATTEMPT));
        assertThat(alice.link().last().get("reason").asString()).as("never to the sender itself").isEqualTo("offline");
    }

    @Test
    void repliesGoOnlyToTheChannelsOfTheAttemptWithTheOtherRole() {
        Open bob = open(2, "bob", true);
        Open bobOther = open(2, "bob", false);
        Open alice = open(1, "alice", false);
        Open aliceOther = open(1, "alice", false);
        say(alice, connect("bob", ATTEMPT));

        say(bob, message("accept", "alice", ",\"addresses\":[]"));
        say(alice, message("sync", "bob", ",\"n\":1"));

        assertThat(alice.link().last().get("type").asString()).isEqualTo("accept");
        assertThat(alice.link().last().get("from").asString()).isEqualTo("bob");
        assertThat(aliceOther.link().types()).as("not part of the attempt").containsExactly("welcome");
        assertThat(bob.link().last().get("type").asString()).isEqualTo("sync");
        assertThat(bobOther.link().types()).containsExactly("welcome");
    }

    @Test
    void nobodyOutsideTheAttemptCanSendIntoIt() {
        Open bob = open(2, "bob", true);
        Open alice = open(1, "alice", false);
        Open mallory = open(3, "mallory", true);
        say(alice, connect("bob", ATTEMPT));

        say(mallory, message("accept", "alice", ",\"addresses\":[]"));
        say(mallory, message("relay", "alice", ""));
        say(alice, message("ping", "mallory", ",\"n\":1"));

        assertThat(mallory.link().types()).containsExactly("welcome", "error", "error");
        assertThat(mallory.link().last().get("reason").asString()).isEqualTo("unknown-attempt");
        assertThat(alice.link().last().get("reason").asString()).as("the attempt is with bob, not mallory")
                .isEqualTo("unknown-attempt");
        assertThat(bob.link().types()).containsExactly("welcome", "connect");
    }

    @Test
    void onlyTheListenerAcceptsOrRefusesAndOnlyTheDialerSyncs() {
        Open bob = open(2, "bob", true);
        Open alice = open(1, "alice", false);
        say(alice, connect("bob", ATTEMPT));

        say(alice, message("accept", "bob", ",\"addresses\":[]"));
        say(alice, message("refuse", "bob", ",\"reason\":\"no\""));
        say(bob, message("sync", "alice", ",\"n\":1"));

        assertThat(alice.link().types()).containsExactly("welcome", "error", "error");
        assertThat(bob.link().types()).containsExactly("welcome", "connect", "error");
    }

    @Test
    void anAttemptExpiresSixtySecondsAfterItsConnect() {
        Open bob = open(2, "bob", true);
        Open alice = open(1, "alice", false);
        say(alice, connect("bob", ATTEMPT));
        clock.advance(Duration.ofSeconds(60));

        say(bob, message("accept", "alice", ",\"addresses\":[]"));

        assertThat(bob.link().last().get("reason").asString()).isEqualTo("unknown-attempt");
        assertThat(alice.link().types()).containsExactly("welcome");
    }

    @Test
    void aChannelHoldsAtMostSixteenOpenAttempts() {
        Open bob = open(2, "bob", true);
        Open alice = open(1, "alice", false);
        for (int i = 0; i < 16; i++) {
            say(alice, connect("bob", String.format("%022d", i)));
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(alice.link().types()).containsOnly("welcome");

        say(alice, connect("bob", "X".repeat(22)));
        assertThat(alice.link().last().get("reason").asString()).isEqualTo("rate");

        clock.advance(Duration.ofSeconds(60));
        int before = alice.link().sent.size();
        say(alice, connect("bob", "Y".repeat(22)));
        assertThat(alice.link().sent).as("the old ones expired: no error").hasSize(before);
        assertThat(bob.link().last().get("attempt").asString()).isEqualTo("Y".repeat(22));
    }

    @Test
    void aRelayRequestGivesBothSidesOneTokenWithTheirRoles() {
        Open bob = open(2, "bob", true);
        Open alice = open(1, "alice", false);
        say(alice, connect("bob", ATTEMPT));

        say(bob, message("relay", "alice", ""));
        say(alice, message("relay", "bob", ""));

        JsonNode bobOffer = bob.link().sent.get(2);
        JsonNode aliceOffer = alice.link().sent.get(1);
        assertThat(bobOffer.get("type").asString()).isEqualTo("relay-offer");
        assertThat(bobOffer.get("role").asString()).isEqualTo("listener");
        assertThat(bobOffer.get("from").asString()).isEqualTo("alice");
        assertThat(aliceOffer.get("role").asString()).isEqualTo("dialer");
        assertThat(aliceOffer.get("from").asString()).isEqualTo("bob");
        assertThat(aliceOffer.get("token").asString()).isEqualTo(bobOffer.get("token").asString());
        assertThat(alice.link().last().get("token").asString()).as("the second request, the same token")
                .isEqualTo(bobOffer.get("token").asString());
        assertThat(minted).isEqualTo(1);
    }

    @Test
    void aRelayRequestWhenRelayingIsDisabledIsRefused() {
        open(2, "bob", true);
        Open alice = open(1, "alice", false);
        say(alice, connect("bob", ATTEMPT));
        relay = null;

        say(alice, message("relay", "bob", ""));

        assertThat(alice.link().last().get("reason").asString()).isEqualTo("relay-disabled");
    }

    @Test
    void threeInvalidFramesCloseAndAnOversizeOneAtOnce() {
        Open alice = open(1, "alice", false);
        say(alice, "{}");
        say(alice, "nonsense");
        assertThat(alice.link().closedWith).isNull();
        say(alice, "{\"type\":\"welcome\"}");

        assertThat(alice.link().types()).containsExactly("welcome", "error", "error", "error");
        assertThat(alice.link().closedWith).isEqualTo(1008);

        Open bob = open(2, "bob", false);
        router.invalid(bob.channel(), true);
        assertThat(bob.link().closedWith).isEqualTo(1008);
    }

    @Test
    void moreThanFiftyFramesASecondBeyondABurstOfAHundredCloseTheChannel() {
        open(2, "bob", true);
        Open alice = open(1, "alice", false);
        for (int i = 0; i < 100; i++) {
            say(alice, message("relay", "bob", ""));
        }
        assertThat(alice.link().closedWith).isNull();
        clock.advance(Duration.ofMillis(100)); // five more
        for (int i = 0; i < 5; i++) {
            say(alice, message("relay", "bob", ""));
        }
        assertThat(alice.link().closedWith).isNull();

        say(alice, message("relay", "bob", ""));

        assertThat(alice.link().last().get("reason").asString()).isEqualTo("rate");
        assertThat(alice.link().closedWith).isEqualTo(1008);
        assertThat(alice.link().closeReason).isEqualTo("rate");
    }

    @Test
    void aFifthChannelOfAUserClosesTheOldest() {
        List<Open> channels = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            channels.add(open(1, "alice", false));
        }
        assertThat(channels.get(0).link().closedWith).isEqualTo(1008);
        assertThat(channels.get(0).link().closeReason).isEqualTo("replaced");
        assertThat(channels.subList(1, 5)).allMatch(c -> c.link().closedWith == null);
        assertThat(router.size()).isEqualTo(4);
    }

    @Test
    void theListenerRowLastsWhileAListeningChannelIsOpen() {
        Open first = open(2, "bob", true);
        Open second = open(2, "bob", true);
        assertThat(listening).containsExactly(2L);

        router.closed(first.channel());
        assertThat(listening).containsExactly(2L);
        router.closed(second.channel());
        assertThat(listening).isEmpty();
    }

    @Test
    void theSweepPingsAndClosesIdleChannelsAndThoseWhoseTokenExpired() {
        Open talker = open(1, "alice", false);
        Open silent = open(2, "bob", false);
        Recording expiring = new Recording();
        router.open(3, "carol", false, "hash-carol", clock.instant().plusSeconds(30), expiring);

        clock.advance(Duration.ofSeconds(40));
        router.heard(talker.channel());
        router.sweep();
        assertThat(expiring.closedWith).isEqualTo(1008);
        assertThat(talker.link().pings).isEqualTo(1);
        assertThat(silent.link().pings).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        router.sweep();
        assertThat(silent.link().closedWith).as("silent for 70 s").isEqualTo(1001);
        assertThat(talker.link().closedWith).as("heard 30 s ago").isNull();
    }

    @Test
    void aRevokedTokenClosesOnlyTheChannelsOpenedWithIt() {
        Open withIt = open(1, "alice", false);
        Recording other = new Recording();
        router.open(1, "alice", false, "another hash", clock.instant().plusSeconds(3600), other);

        router.revoked("ALICE", "hash-alice");

        assertThat(withIt.link().closedWith).isEqualTo(1008);
        assertThat(other.closedWith).isNull();
    }

    /**
     * A logout told between the handshake's token check and the channel's registration found no
     * channel to close: the registration checks again, and the channel never opens.
     */
    @Test
    void aChannelWhoseTokenWasRevokedDuringTheHandshakeClosesAtOnce() {
        revokedHashes.add("hash-alice");

        Open alice = open(1, "alice", true);

        assertThat(alice.link().closedWith).isEqualTo(1008);
        assertThat(alice.link().closeReason).isEqualTo("logged out");
        assertThat(alice.link().sent).isEmpty(); // no welcome
        assertThat(channelsWhenChecked).as("checked once registered, where a later notice finds it").containsExactly(1);
        assertThat(router.size()).isZero();
        assertThat(listening).isEmpty();
    }

    /** A database failure while a channel opens leaves nothing registered: the handler never learns of it to forget it. */
    @Test
    void aChannelWhoseTokenCannotBeCheckedClosesAndIsForgotten() {
        databaseDown = true;
        Recording link = new Recording();

        assertThatThrownBy(() -> router.open(1, "alice", true, "hash-alice", clock.instant().plusSeconds(3600), link))
                .hasMessageContaining("database is down");

        assertThat(link.closedWith).isEqualTo(1011);
        assertThat(router.size()).isZero();
        assertThat(listening).isEmpty();
    }

    /**
     * Logouts told while this instance's bus was down are lost to it: when it listens again, the
     * channels open with a token revoked meanwhile close, and the cache forgets every token.
     */
    @Test
    void whenTheBusListensAgainTheChannelsOfTokensRevokedMeanwhileClose() {
        Open alice = open(1, "alice", true);
        Open bob = open(2, "bob", true);
        revokedHashes.add("hash-alice"); // alice logged out through another instance; the notice was lost

        router.resumed();

        assertThat(forgotten).containsExactly("*");
        assertThat(alice.link().closedWith).isEqualTo(1008);
        assertThat(alice.link().closeReason).isEqualTo("logged out");
        assertThat(bob.link().closedWith).isNull();
    }

    @Test
    void anOpenListeningChannelKeepsItsUsersPresenceAtEverySweep() {
        Open listener = open(1, "Alice", true);
        Open listenerToo = open(1, "alice", true);
        Open talker = open(2, "bob", false);
        assertThat(listener.link().last().get("presence").asBoolean()).as("the welcome says so").isTrue();
        assertThat(talker.link().last().has("presence")).as("a channel that does not listen keeps nothing").isFalse();

        router.sweep();
        assertThat(kept).containsExactly(Set.of("alice"));

        clock.advance(Duration.ofSeconds(70)); // nobody heard: the idle channels close and keep nothing
        router.heard(talker.channel());
        router.sweep();
        assertThat(listener.link().closedWith).isEqualTo(1001);
        assertThat(listenerToo.link().closedWith).isEqualTo(1001);
        assertThat(kept).hasSize(1);
    }

    @Test
    void aListenerWithNoPresenceToKeepIsAskedToPublishAgain() {
        Open alice = open(1, "alice", true);
        Open aliceTalking = open(1, "alice", false);
        Open bob = open(2, "bob", true);
        withoutPresence.add("alice");

        router.sweep();

        assertThat(alice.link().types()).containsExactly("welcome", "republish");
        assertThat(aliceTalking.link().types()).containsExactly("welcome");
        assertThat(bob.link().types()).containsExactly("welcome");
    }

    @Test
    void pingsTooRareForThePresenceTtlKeepNothingAndTheWelcomeSaysSo() {
        Recording link = new Recording();
        SignalRouter slow = router(Duration.ofSeconds(31)); // two sweeps would not fit in the 60-s TTL
        slow.open(1, "alice", true, "hash-alice", clock.instant().plus(Duration.ofHours(1)), link);

        slow.sweep();

        assertThat(link.last().has("presence")).isFalse();
        assertThat(kept).isEmpty();
    }

    @Test
    void theSlicesOfASweepPingEveryChannelOnceAndKeepEachListenersPresenceOnce() {
        List<Open> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(open(i, "user" + i, true));
        }

        for (int slice = 0; slice < 20; slice++) {
            router.sweep(slice, 20);
        }

        assertThat(all).allMatch(channel -> channel.link().pings == 1);
        List<String> keys = kept.stream().flatMap(Set::stream).toList();
        assertThat(keys).hasSize(50).doesNotHaveDuplicates();
        assertThat(kept.size()).as("spread over several slices, not one burst").isGreaterThan(5);
    }

    @Test
    void aListenerThatStoppedAnsweringKeepsNoPresenceThoughItIsNotIdleYet() {
        Open answering = open(1, "alice", true);
        Open silent = open(2, "bob", true);
        clock.advance(Duration.ofSeconds(35)); // past one and a half ping intervals, short of the 60-s idle timeout
        router.heard(answering.channel());

        router.sweep();

        assertThat(silent.link().closedWith).isNull();
        assertThat(kept).containsExactly(Set.of("alice"));
    }

    @Test
    void whenOneOfAUsersListeningChannelsClosesTheOthersPublishAgain() {
        Open laptop = open(1, "alice", true);
        Open desktop = open(1, "alice", true);
        Open talking = open(1, "alice", false);

        router.closed(laptop.channel());

        assertThat(desktop.link().types()).containsExactly("welcome", "republish");
        assertThat(talking.link().types()).containsExactly("welcome");
        router.closed(desktop.channel());
        assertThat(listening).as("the last listening channel gone: no longer listening").isEmpty();
    }

    @Test
    void aDatabaseTooFarBehindDropsASlicesPresenceWorkButNeverThePings() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SignalRouter behind = new SignalRouter(new InMemorySignalBus(), revocations, new SignalRouter.Relays() {
            @Override
            public RelayOffers.Point point() {
                return null;
            }

            @Override
            public String mint() {
                return "token";
            }
        }, new SignalRouter.Listeners() {
            @Override
            public void started(long accountId) {
            }

            @Override
            public void stopped(long accountId) {
            }

            @Override
            public boolean listening(String usernameKey) {
                return false;
            }

            @Override
            public boolean renewAll() {
                throw new AssertionError("must not run");
            }

            @Override
            public void forgetAll() {
            }
        }, presences, task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        }, clock, new SignalProperties(100, Duration.ofSeconds(20), Duration.ofSeconds(60)), registry);
        Recording link = new Recording();
        behind.open(1, "alice", true, "hash-alice", clock.instant().plus(Duration.ofHours(1)), link);

        behind.sweep();

        assertThat(link.pings).isEqualTo(1);
        assertThat(kept).isEmpty();
        assertThat(registry.counter("p2pchat.signal.sweep.skipped").count()).isEqualTo(1);
    }

    @Test
    void afterTheHeartbeatLapsedTheListenerRowsOfEveryOpenListeningChannelAreWrittenAgain() {
        open(1, "alice", true);
        open(2, "bob", true);
        open(3, "carol", false);
        listening.clear(); // purged with the lapsed heartbeat
        heartbeatLapsed = true;

        router.sweep();

        assertThat(listening).containsExactlyInAnyOrder(1L, 2L);
    }
}
