package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.session.ChatSession.EndReason;
import dev.p2pchat.peer.session.ChatSession.Ending;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat, closing and liveness between two sessions joined by in-memory pipes. */
class ChatSessionTest {

    private static final Liveness QUICK = new Liveness(Duration.ofMillis(100), Duration.ofMillis(400));
    /** PINGs as often, but more patience, so a busy machine does not fail the stays-alive tests. */
    private static final Liveness PATIENT = new Liveness(Duration.ofMillis(100), Duration.ofMillis(1000));

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Harness.Pair pair() {
        return harness.pair(Harness.auto(tmp.resolve("alice")), Harness.auto(tmp.resolve("bob")));
    }

    @Nested
    class Chat {

        @Test
        void messagesArriveInOrderInBothDirectionsAtOnce() throws Exception {
            Harness.Pair pair = pair();
            int count = 200;
            CompletableFuture<Void> fromAlice = harness.async(() -> {
                for (int i = 0; i < count; i++) {
                    pair.alice().session().sendChat("alice " + i);
                }
                return null;
            });
            CompletableFuture<Void> fromBob = harness.async(() -> {
                for (int i = 0; i < count; i++) {
                    pair.bob().session().sendChat("bob " + i);
                }
                return null;
            });
            List<String> atBob = new ArrayList<>();
            List<String> atAlice = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                atBob.add(pair.bob().events().nextChat());
                atAlice.add(pair.alice().events().nextChat());
            }
            fromAlice.get(10, TimeUnit.SECONDS);
            fromBob.get(10, TimeUnit.SECONDS);
            assertThat(atBob).containsExactlyElementsOf(numbered("alice ", count));
            assertThat(atAlice).containsExactlyElementsOf(numbered("bob ", count));
        }

        @Test
        void unicodeArrivesUnchanged() throws Exception {
            Harness.Pair pair = pair();
            String text = "héllo wörld 😀👍🏽 日本語 עברית \u202e reversed\ttab\nsecond line \u0000 nul";
            pair.alice().session().sendChat(text);
            pair.bob().session().sendChat("répondu ✓");
            assertThat(pair.bob().events().nextChat()).isEqualTo(text);
            assertThat(pair.alice().events().nextChat()).isEqualTo("répondu ✓");
        }

        @Test
        void aMessageOfExactly64KiBArrivesWhole() throws Exception {
            Harness.Pair pair = pair();
            String ascii = "x".repeat(Frames.MAX_CHAT_BYTES);
            String emoji = "😀".repeat(Frames.MAX_CHAT_BYTES / 4);
            pair.alice().session().sendChat(ascii);
            pair.alice().session().sendChat(emoji);
            assertThat(pair.bob().events().nextChat()).isEqualTo(ascii);
            assertThat(pair.bob().events().nextChat()).isEqualTo(emoji);
        }

        @Test
        void aMessageOverTheLimitIsRefusedLocallyAndTheSessionGoesOn() throws Exception {
            Harness.Pair pair = pair();
            ChatSession alice = pair.alice().session();
            assertThatThrownBy(() -> alice.sendChat("x".repeat(Frames.MAX_CHAT_BYTES + 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("message too long: at most 64 KiB");
            // the limit is in UTF-8 bytes, not characters: 32769 "é" are 65538 bytes
            String accents = "é".repeat(Frames.MAX_CHAT_BYTES / 2 + 1);
            assertThat(accents.length()).isLessThan(Frames.MAX_CHAT_BYTES);
            assertThatThrownBy(() -> alice.sendChat(accents))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("too long");

            alice.sendChat("still here");
            assertThat(pair.bob().events().nextChat()).isEqualTo("still here");
            assertThat(alice.isOpen()).isTrue();
            assertThat(pair.bob().session().isOpen()).isTrue();
        }

        @Test
        void anEmptyMessageSendsNothing() throws Exception {
            Harness.Pair pair = pair();
            pair.alice().session().sendChat("");
            pair.alice().session().sendChat("after");
            assertThat(pair.bob().events().nextChat()).isEqualTo("after");
        }
    }

    @Nested
    class Closing {

        @Test
        void closeEndsBothSidesCleanlyWithThePeersReason() {
            Harness.Pair pair = pair();
            pair.alice().session().close("see you tomorrow");

            Ending atAlice = pair.alice().events().awaitEnded();
            Ending atBob = pair.bob().events().awaitEnded();
            assertThat(atAlice.reason()).isEqualTo(EndReason.CLOSED_BY_US);
            assertThat(atAlice.message()).isEqualTo("chat with bob closed");
            assertThat(atAlice.clean()).isTrue();
            assertThat(atBob.reason()).isEqualTo(EndReason.CLOSED_BY_PEER);
            assertThat(atBob.message()).isEqualTo("alice closed the chat (see you tomorrow)");
            assertThat(atBob.clean()).isTrue();
            // run() returns the same ending, and both sessions are over
            assertThat(pair.alice().run().orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(atAlice);
            assertThat(pair.bob().run().orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(atBob);
            assertThat(pair.alice().session().isOpen()).isFalse();
            assertThat(pair.bob().session().isOpen()).isFalse();
        }

        @Test
        void theListenerCanCloseToo() {
            Harness.Pair pair = pair();
            pair.bob().session().close("");
            assertThat(pair.bob().events().awaitEnded().reason()).isEqualTo(EndReason.CLOSED_BY_US);
            Ending atAlice = pair.alice().events().awaitEnded();
            assertThat(atAlice.reason()).isEqualTo(EndReason.CLOSED_BY_PEER);
            assertThat(atAlice.message()).isEqualTo("bob closed the chat");
        }

        @RepeatedTest(25) // a race: each side's CLOSE may cross the other's
        void bothClosingAtOnceEndsCleanlyOnBothSides() {
            Harness.Pair pair = pair();
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> pair.alice().session().close("bye"));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> pair.bob().session().close("bye"));
            a.join();
            b.join();
            Ending atAlice = pair.alice().events().awaitEnded();
            Ending atBob = pair.bob().events().awaitEnded();
            assertThat(atAlice.clean()).as("alice: %s", atAlice).isTrue();
            assertThat(atBob.clean()).as("bob: %s", atBob).isTrue();
        }

        @Test
        void aMessageSentBeforeCloseIsDeliveredBeforeTheEnd() throws Exception {
            Harness.Pair pair = pair();
            pair.alice().session().sendChat("last words");
            pair.alice().session().close("bye");
            pair.bob().events().awaitEnded();
            assertThat(pair.bob().events().logSnapshot()).containsExactly("chat:last words", "ended:CLOSED_BY_PEER");
        }

        @Test
        void nothingCanBeSentAfterClose() {
            Harness.Pair pair = pair();
            pair.alice().session().close("bye");
            pair.alice().events().awaitEnded();
            assertThatThrownBy(() -> pair.alice().session().sendChat("too late"))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the session with bob is closed");
            assertThat(pair.alice().session().sendFile(tmp.resolve("missing")).join().ok()).isFalse();
        }

        @Test
        void theEndOfTheStreamWithoutCloseIsLost() {
            Harness.Pair pair = pair();
            // alice's side of the connection just goes away at a frame boundary, no CLOSE
            pair.link().dialerToListener().closeWriter();
            Ending atBob = pair.bob().events().awaitEnded();
            assertThat(atBob.reason()).isEqualTo(EndReason.LOST);
            assertThat(atBob.message()).isEqualTo("the connection to alice closed without a goodbye");
            assertThat(atBob.clean()).isFalse();
        }

        @Test
        void aResetConnectionIsLost() {
            Harness.Pair pair = pair();
            pair.link().dialerToListener().breakAfter(0);
            assertThatThrownBy(() -> pair.alice().session().sendChat("into the void")).isInstanceOf(IOException.class);
            Ending atBob = pair.bob().events().awaitEnded();
            assertThat(atBob.reason()).isEqualTo(EndReason.LOST);
            assertThat(atBob.message()).isEqualTo("connection to alice lost: Connection reset");
        }

        @Test
        void abortEndsAtOnceAndThePeerSeesALostConnection() {
            Harness.Pair pair = pair();
            pair.alice().session().abort("program exits");
            assertThat(pair.alice().events().awaitEnded()).isEqualTo(new Ending(EndReason.LOST, "program exits"));
            assertThat(pair.bob().events().awaitEnded().reason()).isEqualTo(EndReason.LOST);
        }

        @Test
        void anErrorFromThePeerEndsTheSessionAsRefused() throws Exception {
            Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob")), Liveness.DEFAULT);
            raw.raw().send(new Frame.Error(ErrorCode.TOO_MANY_SESSIONS, "busy"));
            Ending ending = raw.session().events().awaitEnded();
            assertThat(ending.reason()).isEqualTo(EndReason.REFUSED_BY_PEER);
            assertThat(ending.message()).isEqualTo("alice ended the session with an error (too_many_sessions): busy");
            // an ERROR is never answered with an ERROR
            raw.raw().expectEnd();
        }
    }

    @Nested
    class KeepAlive {

        @Test
        void aPeerThatNeverAnswersTimesOutAfterDeadAfter() throws Exception {
            long start = System.nanoTime();
            Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob")), QUICK);
            // the session asks whether we are still there (PING), and gives up when nothing comes back
            List<Frame> seen = new ArrayList<>();
            for (Frame frame = raw.raw().nextOrEnd(); frame != null; frame = raw.raw().nextOrEnd()) {
                seen.add(frame);
            }
            assertThat(seen).allSatisfy(frame -> assertThat(frame).isInstanceOf(Frame.Ping.class));
            Ending ending = raw.session().events().awaitEnded();
            long elapsed = System.nanoTime() - start;
            assertThat(ending.reason()).isEqualTo(EndReason.TIMED_OUT);
            assertThat(ending.message()).startsWith("no answer from alice for");
            assertThat(elapsed).isGreaterThanOrEqualTo(QUICK.deadAfter().toNanos());
        }

        @Test
        void aPingIsAnsweredWithAPongCarryingTheSameBytes() throws Exception {
            Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob")), Liveness.DEFAULT);
            raw.raw().send(Frame.Ping.of(0x0102030405060708L));
            Frame.Pong pong = raw.raw().expect(Frame.Pong.class);
            assertThat(pong.payload()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(raw.session().session().isOpen()).isTrue();
        }

        @Test
        void anUnexpectedPongIsIgnored() throws Exception {
            Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob")), Liveness.DEFAULT);
            raw.raw().send(new Frame.Pong(new byte[8]));
            raw.raw().send(new Frame.Chat("still fine"));
            assertThat(raw.session().events().nextChat()).isEqualTo("still fine");
        }

        @Test
        void aPeerThatAnswersPingsStaysConnectedLongPastDeadAfter() throws Exception {
            Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob")), PATIENT);
            AtomicBoolean answering = new AtomicBoolean(true);
            CompletableFuture<Integer> pongs = harness.async(() -> {
                int answered = 0;
                while (answering.get()) {
                    Frame frame = raw.raw().next();
                    if (frame instanceof Frame.Ping ping) {
                        raw.raw().send(ping.reply());
                        answered++;
                    } else if (frame == null) {
                        break;
                    }
                }
                return answered;
            });
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> raw.session().session().isOpen());
            answering.set(false);
            raw.raw().send(new Frame.Chat("done"));
            assertThat(raw.session().events().nextChat()).isEqualTo("done");
            raw.session().session().close("bye");
            assertThat(pongs.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
        }

        @Test
        void twoQuietSessionsKeepEachOtherAlive() {
            Harness.Pair pair = harness.pair(harness.link(), Harness.auto(tmp.resolve("alice")),
                    Harness.auto(tmp.resolve("bob")), PATIENT);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> pair.alice().session().isOpen() && pair.bob().session().isOpen());
        }
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(prefix + i);
        }
        return list;
    }
}
