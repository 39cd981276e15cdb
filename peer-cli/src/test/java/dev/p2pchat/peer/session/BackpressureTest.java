package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.EndReason;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full pipes: a peer that stops reading, and two peers that both have to answer while both
 * of their outgoing directions are full of file data. A session must neither hang nor deadlock.
 */
class BackpressureTest {

    private static final int MIB = 1 << 20;
    private static final Liveness QUICK = new Liveness(Duration.ofMillis(100), Duration.ofMillis(400));

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    @Test
    void aReceiverThatStopsReadingMidTransferIsTimedOut() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), QUICK);
        Path file = Harness.write(tmp.resolve("outbox/big.bin"), Harness.random(4 * MIB, 1));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));
        // bob neither reads nor writes from now on: alice's writes block on the full pipe

        ChatSession.Ending ending = pair.session().events().awaitEnded();
        assertThat(ending.reason()).isEqualTo(EndReason.TIMED_OUT);
        Transfer.Result sent = result.get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).contains("lost");
    }

    @Test
    void aChatLineDoesNotWaitForeverBehindAStalledFileAndTheSessionEnds() throws Exception {
        Liveness slow = new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(60));
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), slow);
        Path file = Harness.write(tmp.resolve("outbox/big.bin"), Harness.random(4 * MIB, 1));
        ChatSession alice = pair.session().session();
        alice.sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));
        // bob stops reading: a file chunk now holds the connection
        await().atMost(Duration.ofSeconds(10)).until(alice::transferring);
        Thread.sleep(200);

        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> alice.sendChat("are you there?"))
                .hasMessageContaining("is not reading; message not sent");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

        alice.close("bye");
        assertThat(pair.session().events().awaitEnded().message()).contains("is not reading");
    }

    @Test
    void twoWayTransfersDoNotDeadlockWhenBothReadersMustAnswerWhileBothWritersAreBlocked() throws Exception {
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice")), Harness.auto(tmp.resolve("bob")));
        Path bigA = Harness.write(tmp.resolve("outbox/big-a.bin"), Harness.random(6 * MIB, 1));
        Path bigB = Harness.write(tmp.resolve("outbox/big-b.bin"), Harness.random(6 * MIB, 2));
        Path smallA = Harness.write(tmp.resolve("outbox/small-a.bin"), Harness.random(1000, 3));
        Path smallB = Harness.write(tmp.resolve("outbox/small-b.bin"), Harness.random(1000, 4));

        // 1. the small files are accepted and their data sent; their senders pause before FILE_END
        // 2. the big files are accepted and their first chunk sent; their senders pause too
        // (both pauses are on sending workers, between frames, holding no lock)
        CountDownLatch smallPaused = new CountDownLatch(2);
        CountDownLatch releaseSmall = new CountDownLatch(1);
        CountDownLatch bigPaused = new CountDownLatch(2);
        CountDownLatch releaseBig = new CountDownLatch(1);
        CountDownLatch readersPaused = new CountDownLatch(2);
        CountDownLatch releaseReaders = new CountDownLatch(1);
        for (Harness.Side side : new Harness.Side[] {pair.alice(), pair.bob()}) {
            side.events().onProgress = transfer -> {
                if (transfer.direction() == Transfer.Direction.SEND && transfer.name().startsWith("small")) {
                    smallPaused.countDown();
                    hold(releaseSmall);
                } else if (transfer.direction() == Transfer.Direction.SEND && transfer.done() == Transfers.CHUNK) {
                    bigPaused.countDown();
                    hold(releaseBig);
                }
            };
            // 3. a chat line pauses each reader
            side.events().onChat = text -> {
                readersPaused.countDown();
                hold(releaseReaders);
            };
        }
        CompletableFuture<Transfer.Result> sendSmallA = pair.alice().session().sendFile(smallA);
        CompletableFuture<Transfer.Result> sendSmallB = pair.bob().session().sendFile(smallB);
        assertThat(smallPaused.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Transfer.Result> sendBigA = pair.alice().session().sendFile(bigA);
        CompletableFuture<Transfer.Result> sendBigB = pair.bob().session().sendFile(bigB);
        assertThat(bigPaused.await(5, TimeUnit.SECONDS)).isTrue();
        pair.alice().session().sendChat("pause");
        pair.bob().session().sendChat("pause");
        assertThat(readersPaused.await(5, TimeUnit.SECONDS)).isTrue();
        // 4. the small files' FILE_END frames go into the pipes, right behind the chat lines
        releaseSmall.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> pair.link().dialerToListener().in().available() > 0
                && pair.link().listenerToDialer().in().available() > 0);
        // 5. the big files fill both pipes; both writers block in the middle of a chunk
        releaseBig.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> full(pair.link().dialerToListener())
                && full(pair.link().listenerToDialer()));
        // 6. each reader reads a FILE_END and must answer FILE_RESULT while its own writer is blocked
        releaseReaders.countDown();

        for (CompletableFuture<Transfer.Result> send : new CompletableFuture[] {sendSmallA, sendSmallB, sendBigA, sendBigB}) {
            Transfer.Result result = send.get(10, TimeUnit.SECONDS);
            assertThat(result.ok()).as(result.message()).isTrue();
        }
        assertThat(Files.readAllBytes(tmp.resolve("bob/big-a.bin"))).isEqualTo(Files.readAllBytes(bigA));
        assertThat(Files.readAllBytes(tmp.resolve("alice/big-b.bin"))).isEqualTo(Files.readAllBytes(bigB));
    }

    @Test
    void aCloseArrivingWhileAChunkIsBeingWrittenLetsTheChunkFinishAndEndsCleanly() throws Exception {
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice")), Harness.auto(tmp.resolve("bob")));
        Path big = Harness.write(tmp.resolve("outbox/big.bin"), Harness.random(4 * MIB, 5));
        // alice stops reading after the first chunk, so bob's writer blocks in the middle of a chunk
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        pair.alice().events().onProgress = transfer -> {
            if (once.compareAndSet(false, true)) {
                hold(resume);
            }
        };
        CompletableFuture<Transfer.Result> sent = pair.bob().session().sendFile(big);
        await().atMost(Duration.ofSeconds(5)).until(() -> full(pair.link().listenerToDialer()));

        pair.alice().session().close("done here");
        // bob has read alice's CLOSE...
        await().atMost(Duration.ofSeconds(5)).until(() -> pair.link().dialerToListener().writerClosed()
                && pair.link().dialerToListener().in().available() == 0);
        // ...and alice reads on: whole frames, then the end of the stream
        resume.countDown();

        ChatSession.Ending atAlice = pair.alice().events().awaitEnded();
        assertThat(atAlice.reason()).as(atAlice.message()).isEqualTo(EndReason.CLOSED_BY_US);
        ChatSession.Ending atBob = pair.bob().events().awaitEnded();
        assertThat(atBob.reason()).isEqualTo(EndReason.CLOSED_BY_PEER);
        assertThat(atBob.message()).isEqualTo("alice closed the chat (done here)");
        assertThat(sent.get(5, TimeUnit.SECONDS).ok()).isFalse();
        assertThat(Harness.finalFiles(tmp.resolve("alice"))).isEmpty();
    }

    private static boolean full(Pipe pipe) throws java.io.IOException {
        return pipe.in().available() == Pipe.DEFAULT_CAPACITY;
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
