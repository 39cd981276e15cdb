package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only bytes whose SHA-256 both sides agree on get a final name: a lying sender, a receiver
 * that reports a mismatch, and a source file that changes while it is sent.
 */
class IntegrityTest {

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Path downloads() {
        return tmp.resolve("downloads");
    }

    // ---------------------------------------------------------------- a lying sender

    @Test
    void aWrongHashInFileEndIsAnsweredNotOkAndTheFileIsDiscarded() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] content = Harness.random(100_000, 1);
        String lie = Harness.sha256("something else".getBytes(StandardCharsets.UTF_8));

        pair.raw().sendFile(1, "lie.bin", content, lie);

        Frame.FileResult verdict = pair.raw().expect(Frame.FileResult.class);
        assertThat(verdict.id()).isEqualTo(1);
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.sha256()).isEqualTo(Harness.sha256(content));
        Recorder.Finished atBob = pair.session().events().nextReceived();
        assertThat(atBob.result().ok()).isFalse();
        assertThat(atBob.result().message()).isEqualTo("corrupt: SHA-256 " + Harness.sha256(content)
                + " differs from the sender's " + lie + "; discarded");
        assertThat(atBob.result().savedAs()).isNull();
        assertThat(Harness.finalFiles(downloads())).as("no final file").isEmpty();
        assertThat(Harness.partials(downloads())).as("no partial").isEmpty();
        // one bad file is not a reason to end the session
        pair.raw().send(new Frame.Chat("sorry"));
        assertThat(pair.session().events().nextChat()).isEqualTo("sorry");
    }

    @Test
    void bytesThatDoNotMatchTheSendersOwnHashAreDiscarded() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] real = Harness.random(3 * Transfers.CHUNK, 2);
        byte[] flipped = real.clone();
        flipped[flipped.length / 2] ^= 1;

        pair.raw().sendFile(1, "flipped.bin", flipped, Harness.sha256(real));

        Frame.FileResult verdict = pair.raw().expect(Frame.FileResult.class);
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.sha256()).isEqualTo(Harness.sha256(flipped));
        assertThat(pair.session().events().nextReceived().result().ok()).isFalse();
        assertThat(Harness.finalFiles(downloads())).isEmpty();
        assertThat(Harness.partials(downloads())).isEmpty();
    }

    @Test
    void aHonestRawSenderIsVerifiedAndSaved() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);

        Frame.FileAccept accept = pair.raw().sendFile(1, "notes.txt", content, Harness.sha256(content));

        assertThat(accept).isEqualTo(Frame.FileAccept.fromStart(1));
        Frame.FileResult verdict = pair.raw().expect(Frame.FileResult.class);
        assertThat(verdict).isEqualTo(new Frame.FileResult(1, true,
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
        assertThat(Files.readString(downloads().resolve("notes.txt"))).isEqualTo("hello");
    }

    // ---------------------------------------------------------------- a receiver that says no

    @Test
    void aReceiverReportingAMismatchLeavesTheSenderNotOkWithAClearMessage() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("alice")), Liveness.DEFAULT);
        byte[] content = Harness.random(Transfers.CHUNK + 10, 3);
        Path file = Harness.write(tmp.resolve("outbox/photo.jpg"), content);
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);

        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        assertThat(offer).isEqualTo(new Frame.FileOffer(1, "photo.jpg", content.length));
        pair.raw().send(Frame.FileAccept.fromStart(1));
        RawPeer.Received received = pair.raw().receiveFile(1);
        assertThat(received.bytes()).isEqualTo(content);
        assertThat(received.end().sha256()).isEqualTo(Harness.sha256(content));
        String other = Harness.sha256(new byte[] {1});
        pair.raw().send(new Frame.FileResult(1, false, other));

        Transfer.Result sent = result.get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).isEqualTo("bob received different bytes (SHA-256 " + other + ", sent "
                + Harness.sha256(content) + "); the file was discarded, send it again");
        assertThat(pair.session().session().isOpen()).isTrue();
    }

    @Test
    void okWithAnotherHashIsNotASuccess() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("alice")), Liveness.DEFAULT);
        Path file = Harness.write(tmp.resolve("outbox/a.txt"), "abc".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(1));
        pair.raw().receiveFile(1);
        pair.raw().send(new Frame.FileResult(1, true, Harness.sha256(new byte[0])));

        assertThat(result.get(5, TimeUnit.SECONDS).ok()).isFalse();
    }

    @Test
    void aReceiverThatVerifiedButCouldNotSaveIsNotReportedAsDifferentBytes() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("alice")), Liveness.DEFAULT);
        Path file = Harness.write(tmp.resolve("outbox/a.txt"), "abc".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(1));
        RawPeer.Received received = pair.raw().receiveFile(1);
        pair.raw().send(new Frame.FileResult(1, false, received.end().sha256()));

        Transfer.Result sent = result.get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).doesNotContain("different bytes").contains("could not save");
    }

    @Test
    void aReceiverThatKeepsAnsweringABadPrefixGetsTwoNewOffersAndThenTheSendFails() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("alice")), Liveness.DEFAULT);
        Path file = Harness.write(tmp.resolve("outbox/photo.jpg"), Harness.random(1000, 6));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        String wrong = Harness.sha256("not the start of that file".getBytes(StandardCharsets.UTF_8));

        java.util.List<Long> offered = new java.util.ArrayList<>();
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        while (offer != null && offered.size() < 10) {
            offered.add(offer.id());
            pair.raw().send(new Frame.FileAccept(offer.id(), 10, wrong));
            assertThat(pair.raw().expect(Frame.FileReject.class))
                    .isEqualTo(new Frame.FileReject(offer.id(), Transfers.PREFIX_MISMATCH));
            offer = result.isDone() ? null : nextOfferOrNothing(pair.raw(), result);
        }

        assertThat(offered).as("the first offer and at most two more").containsExactly(1L, 3L, 5L);
        Transfer.Result sent = result.get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).isEqualTo("bob asked 3 times to resume 'photo.jpg' from bytes it does not start"
                + " with; not sent (bob should remove its partial of it)");
        assertThat(pair.session().session().isOpen()).isTrue();
    }

    /** The next FILE_OFFER, or null once the send is over without one. */
    private static Frame.FileOffer nextOfferOrNothing(RawPeer raw, CompletableFuture<Transfer.Result> result)
            throws Exception {
        raw.readTimeout(java.time.Duration.ofMillis(200));
        try {
            while (true) {
                try {
                    return raw.expect(Frame.FileOffer.class);
                } catch (java.net.SocketTimeoutException quiet) {
                    if (result.isDone()) {
                        return null;
                    }
                }
            }
        } finally {
            raw.readTimeout(Recorder.WAIT);
        }
    }

    // ---------------------------------------------------------------- the source changes while it is sent

    /** alice sends a 1 MiB file; after its first chunk {@code change} runs on the file; the result. */
    private Transfer.Result sendWhileChanging(FileChange change) throws Exception {
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice")), Harness.auto(downloads()));
        byte[] content = Harness.random(4 * Transfers.CHUNK, 5);
        Path file = Harness.write(tmp.resolve("outbox/growing.log"), content);
        CountDownLatch changed = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        pair.alice().events().onProgress = transfer -> {
            if (transfer.direction() == Transfer.Direction.SEND && once.compareAndSet(false, true)) {
                try {
                    change.apply(file);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                changed.countDown();
            }
        };

        Transfer.Result sent = pair.alice().session().sendFile(file).get(10, TimeUnit.SECONDS);

        assertThat(changed.getCount()).isZero();
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).isEqualTo(file + " changed while it was sent; send it again");
        Recorder.Finished atBob = pair.bob().events().nextReceived();
        assertThat(atBob.result().ok()).isFalse();
        assertThat(atBob.result().message())
                .isEqualTo("alice cancelled 'growing.log': the source file changed while it was sent");
        assertThat(Harness.finalFiles(downloads())).as("never verified, never saved").isEmpty();
        assertThat(pair.bob().events().logSnapshot()).doesNotContain("finished:RECEIVE:growing.log:ok");
        assertThat(pair.alice().session().isOpen()).isTrue();
        assertThat(pair.bob().session().isOpen()).isTrue();
        return sent;
    }

    interface FileChange {
        void apply(Path file) throws Exception;
    }

    @Test
    void aSourceThatGrowsWhileSentIsCancelled() throws Exception {
        sendWhileChanging(file -> Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND));
    }

    @Test
    void aSourceThatShrinksWhileSentIsCancelled() throws Exception {
        sendWhileChanging(file -> {
            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(Transfers.CHUNK + 5);
            }
        });
    }

    @Test
    void aSourceRewrittenInPlaceWithTheSameSizeIsCancelled() throws Exception {
        sendWhileChanging(file -> {
            FileTime before = Files.getLastModifiedTime(file);
            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(new byte[] {9, 9, 9}), 2 * Transfers.CHUNK);
            }
            // make the change visible even on file systems with coarse timestamps
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
        });
    }
}
