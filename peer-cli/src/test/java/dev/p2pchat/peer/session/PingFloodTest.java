package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.EndReason;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that sends frames needing an answer (PING) and never reads the answers: its own session
 * ends, and neither the other sessions nor the one timer thread they all share ever wait for it.
 */
class PingFloodTest {

    /** Liveness checks every 100 ms, so the shared timer visits the flooded session often. */
    private static final Liveness BUSY_TIMER = new Liveness(Duration.ofMillis(300), Duration.ofSeconds(30));
    /** Small pipes: a peer that does not read fills them after a few hundred PONGs. */
    private static final int SMALL_PIPE = 4096;

    @TempDir
    Path tmp;

    final Harness harness = Harness.withOneTimerThread();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    @Test
    void aPeerFloodingPingsWithoutReadingLosesItsSessionAndNoOtherSessionOrTimerWaits() throws Exception {
        Harness.Pair good = harness.pair(harness.link(), Harness.auto(tmp.resolve("alice")),
                Harness.auto(tmp.resolve("bob")), BUSY_TIMER);
        Harness.RawPair flood = harness.raw(false, Harness.auto(tmp.resolve("flooded")), BUSY_TIMER, SMALL_PIPE);
        AtomicLong lastTick = new AtomicLong(System.nanoTime());
        harness.timers.scheduleAtFixedRate(() -> lastTick.set(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS);

        CompletableFuture<Integer> pings = harness.async(() -> {
            int sent = 0;
            try {
                while (sent < 200_000) {
                    flood.raw().send(Frame.Ping.of(sent));
                    sent++;
                }
            } catch (IOException closed) {
                // the session hung up on us: that is the point
            }
            return sent;
        });

        ChatSession.Ending ending = flood.session().events().awaitEnded();
        assertThat(ending.reason()).isEqualTo(EndReason.PROTOCOL_ERROR);
        assertThat(ending.message()).isEqualTo("ended the session with alice: more than 1024 frames await an answer"
                + " and alice does not read them");
        assertThat(pings.get(10, TimeUnit.SECONDS)).as("PINGs sent before the session hung up").isLessThan(200_000);

        // the shared timer keeps its rhythm ...
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> System.nanoTime() - lastTick.get() < TimeUnit.MILLISECONDS.toNanos(500));
        // ... and the other session chats on
        good.alice().session().sendChat("still here?");
        assertThat(good.bob().events().nextChat()).isEqualTo("still here?");
        good.bob().session().sendChat("yes");
        assertThat(good.alice().events().nextChat()).isEqualTo("yes");
        assertThat(good.alice().session().isOpen()).isTrue();
    }

    @Test
    void whileTheFloodedSessionIsStuckTheSharedTimerStillRunsOnTime() throws Exception {
        Harness.RawPair flood = harness.raw(false, Harness.auto(tmp.resolve("flooded")), BUSY_TIMER, SMALL_PIPE);
        AtomicLong lastTick = new AtomicLong(System.nanoTime());
        harness.timers.scheduleAtFixedRate(() -> lastTick.set(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS);
        harness.async(() -> {
            for (int i = 0; i < 200_000; i++) {
                flood.raw().send(Frame.Ping.of(i));
            }
            return null;
        });

        // whatever happens to the flooded session, the timer never waits for its wire
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> System.nanoTime() - lastTick.get() < TimeUnit.MILLISECONDS.toNanos(500));
    }
}
