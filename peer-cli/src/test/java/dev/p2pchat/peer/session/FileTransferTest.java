package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Files between two real sessions: byte-exact, verified by SHA-256, in both directions, alongside chat. */
class FileTransferTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Harness.Pair pair() {
        return harness.pair(Harness.auto(tmp.resolve("alice-downloads")), Harness.auto(tmp.resolve("bob-downloads")));
    }

    static Stream<Arguments> files() {
        byte[] everyByte = new byte[256 * 300];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        List<Arguments> cases = new ArrayList<>();
        for (boolean fromDialer : new boolean[] {true, false}) {
            cases.add(Arguments.of("empty.txt", new byte[0], fromDialer));
            cases.add(Arguments.of("one.bin", new byte[] {42}, fromDialer));
            cases.add(Arguments.of("one chunk.bin", Harness.random(Transfers.CHUNK, 1), fromDialer));
            cases.add(Arguments.of("one chunk and a byte.bin", Harness.random(Transfers.CHUNK + 1, 2), fromDialer));
            cases.add(Arguments.of("several MiB.bin", Harness.random(3 * MIB + 12_345, 3), fromDialer));
            cases.add(Arguments.of("every byte value.bin", everyByte, fromDialer));
            cases.add(Arguments.of("résumé 2024 ✓.pdf", Harness.random(5000, 4), fromDialer));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, sent by the dialer: {2}")
    @MethodSource("files")
    void aFileArrivesByteExactAndVerified(String name, byte[] content, boolean fromDialer) throws Exception {
        Harness.Pair pair = pair();
        Harness.Side sender = fromDialer ? pair.alice() : pair.bob();
        Harness.Side receiver = fromDialer ? pair.bob() : pair.alice();
        Path file = Harness.write(tmp.resolve("outbox").resolve(name), content);
        String sha = Harness.sha256(content);

        Transfer.Result sent = sender.session().sendFile(file).get(10, TimeUnit.SECONDS);

        assertThat(sent.ok()).as(sent.message()).isTrue();
        assertThat(sent.message()).isEqualTo("verified by " + (fromDialer ? "bob" : "alice"));
        assertThat(sent.sha256()).isEqualTo(sha);
        assertThat(sent.bytes()).isEqualTo(content.length);

        Recorder.Finished received = receiver.events().nextReceived();
        Path downloads = receiver.downloads().dir();
        assertThat(received.result().ok()).as(received.result().message()).isTrue();
        assertThat(received.result().message()).isEqualTo("verified");
        assertThat(received.result().sha256()).isEqualTo(sha);
        assertThat(received.result().savedAs()).isEqualTo(downloads.resolve(name));
        assertThat(received.transfer().offset()).isZero();
        assertThat(received.transfer().done()).isEqualTo(content.length);
        assertThat(received.transfer().name()).isEqualTo(name);
        assertThat(Files.readAllBytes(downloads.resolve(name))).isEqualTo(content);
        assertThat(Harness.sha256(downloads.resolve(name))).isEqualTo(sha);
        assertThat(Harness.finalFiles(downloads)).containsExactly(downloads.resolve(name));
        assertThat(Harness.partials(downloads)).isEmpty();
        // the sending side's own folder stays empty
        assertThat(Harness.filesUnder(sender.downloads().dir())).isEmpty();
        assertThat(sender.session().transferring()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !receiver.session().transferring());
        assertThat(pair.alice().session().isOpen()).isTrue();
        assertThat(pair.bob().session().isOpen()).isTrue();
    }

    @Test
    void chatOvertakesTwoLargeTransfersInFlight() throws Exception {
        Harness.Pair pair = pair();
        byte[] first = Harness.random(4 * MIB, 10);
        byte[] second = Harness.random(4 * MIB, 11);
        Path a = Harness.write(tmp.resolve("outbox/first.bin"), first);
        Path b = Harness.write(tmp.resolve("outbox/second.bin"), second);

        // bob's reader stalls on the first chunk, so the files are surely still on their way
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        pair.bob().events().onProgress = transfer -> {
            if (once.compareAndSet(false, true)) {
                stalled.countDown();
                awaitRelease(resume);
            }
        };
        CompletableFuture<Transfer.Result> sentFirst = pair.alice().session().sendFile(a);
        CompletableFuture<Transfer.Result> sentSecond = pair.alice().session().sendFile(b);
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicReference<Thread> chatter = new AtomicReference<>();
        CompletableFuture<Void> chat = harness.async(() -> {
            chatter.set(Thread.currentThread());
            pair.alice().session().sendChat("still typing while files fly");
            return null;
        });
        // the chat is written, or queued for the line behind at most the chunk being written
        await().atMost(Duration.ofSeconds(5)).until(() -> chat.isDone()
                || chatter.get() != null && (chatter.get().getState() == Thread.State.WAITING
                        || chatter.get().getState() == Thread.State.TIMED_WAITING));
        pair.bob().session().sendChat("bob answers meanwhile");
        assertThat(pair.alice().events().nextChat()).isEqualTo("bob answers meanwhile");
        assertThat(sentFirst).isNotDone();
        resume.countDown();

        assertThat(sentFirst.get(20, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(sentSecond.get(20, TimeUnit.SECONDS).ok()).isTrue();
        chat.get(5, TimeUnit.SECONDS);
        Recorder.Finished one = pair.bob().events().nextReceived();
        Recorder.Finished two = pair.bob().events().nextReceived();
        assertThat(List.of(one.transfer().name(), two.transfer().name()))
                .containsExactlyInAnyOrder("first.bin", "second.bin");

        List<String> log = pair.bob().events().logSnapshot();
        int chatAt = log.indexOf("chat:still typing while files fly");
        assertThat(chatAt).as("bob's events: %s", log).isNotNegative()
                .isLessThan(log.indexOf("finished:RECEIVE:first.bin:ok"))
                .isLessThan(log.indexOf("finished:RECEIVE:second.bin:ok"));
        Path downloads = pair.bob().downloads().dir();
        assertThat(Files.readAllBytes(downloads.resolve("first.bin"))).isEqualTo(first);
        assertThat(Files.readAllBytes(downloads.resolve("second.bin"))).isEqualTo(second);
    }

    @Test
    void twoFilesInFlightInterleaveRatherThanOneAfterTheOther() throws Exception {
        // bob accepts both offers at once (ASK, one answer), so both files start together
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice-downloads")), new ReceivePolicy(
                ReceivePolicy.Mode.ASK, Harness.downloads(tmp.resolve("bob-downloads")), ReceivePolicy.UNLIMITED, 8));
        CompletableFuture<Boolean> yes = new CompletableFuture<>();
        pair.bob().events().answer = offer -> yes;
        Path a = Harness.write(tmp.resolve("outbox/a.bin"), Harness.random(3 * MIB, 20));
        Path b = Harness.write(tmp.resolve("outbox/b.bin"), Harness.random(3 * MIB, 21));
        List<String> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        // bob's reader stalls on the first chunk until alice streams both files
        CountDownLatch resume = new CountDownLatch(1);
        pair.bob().events().onProgress = transfer -> {
            chunks.add(transfer.name());
            awaitRelease(resume);
        };
        CompletableFuture<Transfer.Result> first = pair.alice().session().sendFile(a);
        CompletableFuture<Transfer.Result> second = pair.alice().session().sendFile(b);
        await().atMost(Duration.ofSeconds(5)).until(() -> pair.bob().events().asked.size() == 2);
        yes.complete(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> pair.alice().events().started.size() == 2);
        resume.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(second.get(10, TimeUnit.SECONDS).ok()).isTrue();
        // round robin: both files progress, neither waits for the other to finish
        assertThat(chunks.indexOf("b.bin")).as("chunks in arrival order: %s", chunks)
                .isLessThan(chunks.lastIndexOf("a.bin"));
        assertThat(chunks.indexOf("a.bin")).as("chunks in arrival order: %s", chunks)
                .isLessThan(chunks.lastIndexOf("b.bin"));
    }

    @Test
    void filesInBothDirectionsAtOnceAllArrive() throws Exception {
        Harness.Pair pair = pair();
        List<CompletableFuture<Transfer.Result>> sends = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (Harness.Side side : List.of(pair.alice(), pair.bob())) {
                byte[] content = Harness.random(i == 0 ? 300_000 : 5 * MIB, 30 + i);
                String name = side == pair.alice() ? "from-alice-" + i + ".bin" : "from-bob-" + i + ".bin";
                contents.add(content);
                sends.add(side.session().sendFile(Harness.write(tmp.resolve("outbox").resolve(name), content)));
            }
        }
        for (CompletableFuture<Transfer.Result> send : sends) {
            Transfer.Result result = send.get(20, TimeUnit.SECONDS);
            assertThat(result.ok()).as(result.message()).isTrue();
        }
        Path atBob = pair.bob().downloads().dir();
        Path atAlice = pair.alice().downloads().dir();
        assertThat(Files.readAllBytes(atBob.resolve("from-alice-0.bin"))).isEqualTo(contents.get(0));
        assertThat(Files.readAllBytes(atAlice.resolve("from-bob-0.bin"))).isEqualTo(contents.get(1));
        assertThat(Files.readAllBytes(atBob.resolve("from-alice-1.bin"))).isEqualTo(contents.get(2));
        assertThat(Files.readAllBytes(atAlice.resolve("from-bob-1.bin"))).isEqualTo(contents.get(3));
    }

    @Test
    void manyFilesOfferedFromSeveralThreadsAtOnceAllArrive() throws Exception {
        Harness.Pair pair = pair();
        int count = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Transfer.Result>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = Harness.write(tmp.resolve("outbox/f" + i + ".txt"), ("file " + i).getBytes());
            sends.add(harness.async(() -> {
                go.await();
                return pair.alice().session().sendFile(file).get(10, TimeUnit.SECONDS);
            }));
        }
        go.countDown();
        for (CompletableFuture<Transfer.Result> send : sends) {
            Transfer.Result result = send.get(15, TimeUnit.SECONDS);
            assertThat(result.ok()).as("%s; bob's session: %s", result.message(),
                    pair.bob().events().ended.getNow(null)).isTrue();
        }
        assertThat(pair.bob().session().isOpen()).isTrue();
        assertThat(Harness.finalFiles(pair.bob().downloads().dir())).hasSize(count);
    }

    @Test
    void twoDifferentFilesWithTheSameNameAndSizeAtOnceBothArriveIntact() throws Exception {
        Harness.Pair pair = pair();
        byte[] one = Harness.random(3 * MIB, 40);
        byte[] two = Harness.random(3 * MIB, 41);
        Path a = Harness.write(tmp.resolve("outbox/one/notes.bin"), one);
        Path b = Harness.write(tmp.resolve("outbox/two/notes.bin"), two);

        CompletableFuture<Transfer.Result> first = pair.alice().session().sendFile(a);
        CompletableFuture<Transfer.Result> second = pair.alice().session().sendFile(b);
        Transfer.Result r1 = first.get(20, TimeUnit.SECONDS);
        Transfer.Result r2 = second.get(20, TimeUnit.SECONDS);

        Path downloads = pair.bob().downloads().dir();
        List<Recorder.Finished> received = List.of(pair.bob().events().nextReceived(),
                pair.bob().events().nextReceived());
        // each file bob saved as verified holds exactly the bytes it verified
        for (Recorder.Finished finished : received) {
            if (finished.result().ok()) {
                assertThat(Harness.sha256(finished.result().savedAs())).isEqualTo(finished.result().sha256());
            }
        }
        for (Path saved : Harness.finalFiles(downloads)) {
            assertThat(Harness.sha256(saved)).isIn(Harness.sha256(one), Harness.sha256(two));
        }
        // one may be refused while the other is on its way, but then it says why
        assertThat(r1.ok()).as(r1.message()).isTrue();
        if (!r2.ok()) {
            assertThat(r2.message()).isEqualTo("bob refused 'notes.bin': "
                    + "a file of that name and size is already on its way; send it again afterwards");
        }
        assertThat(Harness.finalFiles(downloads)).hasSize(r2.ok() ? 2 : 1);
    }

    @Test
    void aMissingOrNonRegularFileFailsAtOnceWithoutAnOffer() throws Exception {
        Harness.Pair pair = pair();
        Transfer.Result missing = pair.alice().session().sendFile(tmp.resolve("nope.txt")).get(5, TimeUnit.SECONDS);
        assertThat(missing.ok()).isFalse();
        assertThat(missing.message()).startsWith("cannot read " + tmp.resolve("nope.txt"));
        Files.createDirectories(tmp.resolve("folder"));
        Transfer.Result folder = pair.alice().session().sendFile(tmp.resolve("folder")).get(5, TimeUnit.SECONDS);
        assertThat(folder.ok()).isFalse();
        assertThat(folder.message()).contains("not a regular file");
        pair.alice().session().sendChat("nothing was offered");
        assertThat(pair.bob().events().nextChat()).isEqualTo("nothing was offered");
        assertThat(pair.bob().events().received).isEmpty();
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
