package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.presence.PresenceService;
import dev.p2pchat.directory.presence.PresenceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open listening signalling channel is presence (docs/PROTOCOL.md, section 12): while it is
 * open the listener sends no renewals, the directory keeps its presence alive past the TTL, and
 * when the directory has lost it, the directory asks and the listener publishes again. Short
 * TTL and ping interval, so that each takes seconds.
 */
class ChannelPresenceEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Directory directory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDirectory() {
        directory = Directory.start("--directory.presence.ttl=6s", "--directory.signal.ping-interval=2s",
                "--directory.signal.idle-timeout=6s");
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    private static long presencePuts() {
        // one timer per status and outcome: all of them
        return directory.bean(MeterRegistry.class).find("http.server.requests")
                .tag("method", "PUT").tag("uri", "/api/v1/presence").timers().stream().mapToLong(Timer::count).sum();
    }

    private static boolean online(String name) {
        return directory.bean(PresenceService.class).lookup(name).online();
    }

    @Test
    void theOpenChannelKeepsPresenceWithoutRenewalsAndTheDirectoryAsksWhenItLostIt() throws Exception {
        Peer alice = new Peer("alice-held", tmp.resolve("alice"), directory.url());
        Peer bob = new Peer("bob-held", tmp.resolve("bob"), directory.url());
        assertThat(alice.registerAndLogin().exit()).isZero();
        assertThat(bob.registerAndLogin().exit()).isZero();
        // a renewal every 2 s if nobody kept it: five in the ten seconds below
        Peer.Running bobListens = bob.start("listen", "--once", "--renew-interval", "2");
        await().atMost(WAIT).until(() -> directory.jdbc().queryForObject(
                "select count(*) from signal_listener", Integer.class) == 1);
        await().atMost(WAIT).until(() -> presencePuts() >= 2); // the first publish, and one when the channel opened
        long before = presencePuts();

        Thread.sleep(10_000); // longer than the 6-s TTL

        assertThat(online(bob.name())).as("kept by the channel alone").isTrue();
        assertThat(presencePuts() - before).as("renewals while the channel was open").isLessThanOrEqualTo(1);

        assertThat(directory.bean(PresenceStore.class).remove(bob.name())).isTrue(); // as a store that lost it
        assertThat(online(bob.name())).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> online(bob.name())); // asked at the next sweep, published

        Peer.Result chat = alice.run("still there?\nclose\n", "chat", bob.name());
        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bobListens.out()).contains(alice.name() + ": still there?");
    }
}
