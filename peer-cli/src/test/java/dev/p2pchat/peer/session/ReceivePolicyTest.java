package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which offers a receiver takes: --accept auto|ask|no, the size limit, and a folder it cannot write. */
class ReceivePolicyTest {

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Harness.Pair pairWithBob(ReceivePolicy bob) {
        return harness.pair(Harness.auto(tmp.resolve("alice")), bob);
    }

    private Path file(String name, int size) throws Exception {
        return Harness.write(tmp.resolve("outbox").resolve(name), Harness.random(size, size));
    }

    private static ReceivePolicy policy(ReceivePolicy.Mode mode, Path downloads, long max) {
        return new ReceivePolicy(mode, Harness.downloads(downloads), max, 8);
    }

    @Test
    void modeNoRefusesEveryFileWithFileReject() throws Exception {
        Harness.RawPair pair = harness.raw(false, policy(ReceivePolicy.Mode.NO, tmp.resolve("downloads"), 1000),
                Liveness.DEFAULT);
        pair.raw().send(new Frame.FileOffer(1, "gift.txt", 10));
        Frame.FileReject reject = pair.raw().expect(Frame.FileReject.class);
        assertThat(reject).isEqualTo(new Frame.FileReject(1, "this peer does not accept files"));
        Recorder.Finished refused = pair.session().events().nextReceived();
        assertThat(refused.result().message()).isEqualTo("refused 'gift.txt': this peer does not accept files");
        assertThat(Harness.filesUnder(tmp.resolve("downloads"))).isEmpty();
        pair.raw().send(new Frame.Chat("ok then"));
        assertThat(pair.session().events().nextChat()).isEqualTo("ok then");
    }

    @Test
    void modeNoTellsTheSenderWhy() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.NO, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED));
        Transfer.Result sent = pair.alice().session().sendFile(file("gift.txt", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).isEqualTo("bob refused 'gift.txt': this peer does not accept files");
        assertThat(pair.bob().session().isOpen()).isTrue();
    }

    @Test
    void refuseAllRefusesWithoutADownloadsFolder() throws Exception {
        Harness.Pair pair = pairWithBob(ReceivePolicy.refuseAll());
        Transfer.Result sent = pair.alice().session().sendFile(file("gift.txt", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.message()).isEqualTo("bob refused 'gift.txt': this peer does not accept files");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithTheLimitInTheReason() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.AUTO, tmp.resolve("downloads"), 1000));
        Transfer.Result exact = pair.alice().session().sendFile(file("exact.bin", 1000)).get(5, TimeUnit.SECONDS);
        Transfer.Result over = pair.alice().session().sendFile(file("over.bin", 1001)).get(5, TimeUnit.SECONDS);

        assertThat(exact.ok()).isTrue();
        assertThat(over.ok()).isFalse();
        assertThat(over.message()).isEqualTo("bob refused 'over.bin': too large: 1001 B is over the limit of 1000 B");
        assertThat(Harness.finalFiles(tmp.resolve("downloads"))).containsExactly(tmp.resolve("downloads/exact.bin"));
    }

    @Test
    void askReceivesTheFileWhenTheUserSaysYes() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.ASK, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED));
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        pair.bob().events().answer = offer -> answer;

        CompletableFuture<Transfer.Result> sent = pair.alice().session().sendFile(file("asked.bin", 5000));
        await().atMost(Duration.ofSeconds(5)).until(() -> !pair.bob().events().asked.isEmpty());
        Transfer offer = pair.bob().events().asked.get(0);
        assertThat(offer.name()).isEqualTo("asked.bin");
        assertThat(offer.size()).isEqualTo(5000);
        assertThat(offer.direction()).isEqualTo(Transfer.Direction.RECEIVE);
        assertThat(offer.peer()).isEqualTo("alice");
        // chat goes on while the user thinks
        pair.alice().session().sendChat("did you get it?");
        assertThat(pair.bob().events().nextChat()).isEqualTo("did you get it?");
        assertThat(sent).isNotDone();

        answer.complete(true);
        assertThat(sent.get(5, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(Files.size(tmp.resolve("downloads/asked.bin"))).isEqualTo(5000);
    }

    @Test
    void askRefusesTheFileWhenTheUserSaysNo() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.ASK, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED));
        pair.bob().events().answer = offer -> CompletableFuture.completedFuture(false);

        Transfer.Result sent = pair.alice().session().sendFile(file("unwanted.bin", 10)).get(5, TimeUnit.SECONDS);

        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).isEqualTo("bob refused 'unwanted.bin': declined by the receiver");
        assertThat(Harness.finalFiles(tmp.resolve("downloads"))).isEmpty();
        assertThat(pair.bob().session().isOpen()).isTrue();
    }

    @Test
    void askTreatsAFailedQuestionAsNo() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.ASK, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED));
        pair.bob().events().answer = offer -> CompletableFuture.failedFuture(new IllegalStateException("no terminal"));
        Transfer.Result sent = pair.alice().session().sendFile(file("x.bin", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).endsWith("declined by the receiver");
    }

    @Test
    void theSizeLimitIsCheckedBeforeAsking() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.ASK, tmp.resolve("downloads"), 10));
        pair.bob().events().answer = offer -> CompletableFuture.completedFuture(true);
        Transfer.Result sent = pair.alice().session().sendFile(file("big.bin", 11)).get(5, TimeUnit.SECONDS);
        assertThat(sent.message()).contains("too large");
        assertThat(pair.bob().events().asked).isEmpty();
    }

    @Test
    void tooManyFilesAtOnceAreRefused() throws Exception {
        ReceivePolicy one = new ReceivePolicy(ReceivePolicy.Mode.ASK, Harness.downloads(tmp.resolve("downloads")),
                ReceivePolicy.UNLIMITED, 1);
        Harness.Pair pair = pairWithBob(one);
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        pair.bob().events().answer = offer -> answer;
        CompletableFuture<Transfer.Result> first = pair.alice().session().sendFile(file("first.bin", 10));
        await().atMost(Duration.ofSeconds(5)).until(() -> !pair.bob().events().asked.isEmpty());

        Transfer.Result second = pair.alice().session().sendFile(file("second.bin", 10)).get(5, TimeUnit.SECONDS);
        assertThat(second.message()).isEqualTo("bob refused 'second.bin': too many files at once (at most 1)");
        answer.complete(true);
        assertThat(first.get(5, TimeUnit.SECONDS).ok()).isTrue();
    }

    // ---------------------------------------------------------------- known peers and strangers

    @Test
    void knownTakesFilesFromAPeerKnownBeforeThisSession() throws Exception {
        ReceivePolicy known = policy(ReceivePolicy.Mode.KNOWN, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED);
        Harness.Pair pair = pairWithBob(known.forPeer(true));
        Transfer.Result sent = pair.alice().session().sendFile(file("from a friend.txt", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).as(sent.message()).isTrue();
        assertThat(pair.bob().events().asked).isEmpty();
    }

    @Test
    void knownRefusesAStrangerAndSaysWhy() throws Exception {
        ReceivePolicy known = policy(ReceivePolicy.Mode.KNOWN, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED);
        Harness.Pair pair = pairWithBob(known.forPeer(false));
        Transfer.Result sent = pair.alice().session().sendFile(file("unasked.txt", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message())
                .isEqualTo("bob refused 'unasked.txt': this peer takes files only from peers it knew before this connection");
        assertThat(Harness.finalFiles(tmp.resolve("downloads"))).isEmpty();
        assertThat(pair.bob().session().isOpen()).isTrue();
    }

    @Test
    void knownThatWasNeverToldAboutThePeerTreatsItAsAStranger() throws Exception {
        Harness.Pair pair = pairWithBob(policy(ReceivePolicy.Mode.KNOWN, tmp.resolve("downloads"), ReceivePolicy.UNLIMITED));
        Transfer.Result sent = pair.alice().session().sendFile(file("unasked.txt", 10)).get(5, TimeUnit.SECONDS);
        assertThat(sent.message()).endsWith("this peer takes files only from peers it knew before this connection");
    }

    @Test
    void forPeerChangesOnlyKnown() {
        Downloads downloads = Harness.downloads(tmp.resolve("downloads"));
        ReceivePolicy known = new ReceivePolicy(ReceivePolicy.Mode.KNOWN, downloads, 1000, 3);
        assertThat(known.forPeer(true)).isEqualTo(new ReceivePolicy(ReceivePolicy.Mode.AUTO, downloads, 1000, 3));
        assertThat(known.forPeer(false)).isEqualTo(new ReceivePolicy(ReceivePolicy.Mode.NO, downloads, 1000, 3,
                ReceivePolicy.STRANGER));
        for (ReceivePolicy.Mode mode : new ReceivePolicy.Mode[] {ReceivePolicy.Mode.AUTO, ReceivePolicy.Mode.ASK,
                ReceivePolicy.Mode.NO}) {
            ReceivePolicy policy = new ReceivePolicy(mode, downloads, 1000, 3);
            assertThat(policy.forPeer(true)).isSameAs(policy);
            assertThat(policy.forPeer(false)).isSameAs(policy);
        }
    }

    @Test
    void byDefaultAPersonAtATerminalIsAskedAndOtherwiseOnlyKnownPeersAreTrusted() {
        assertThat(ReceivePolicy.defaultMode(true)).isEqualTo(ReceivePolicy.Mode.ASK);
        assertThat(ReceivePolicy.defaultMode(false)).isEqualTo(ReceivePolicy.Mode.KNOWN);
    }

    @Test
    void policyLimitsMustBePositive() {
        Downloads downloads = Harness.downloads(tmp);
        assertThatThrownBy(() -> new ReceivePolicy(ReceivePolicy.Mode.AUTO, downloads, -1, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReceivePolicy(ReceivePolicy.Mode.AUTO, downloads, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- a receiver that cannot write

    @Test
    void aDownloadsFolderThatIsAFileRefusesTheOfferAndKeepsTheSession() throws Exception {
        Path notADirectory = Harness.write(tmp.resolve("downloads"), "I am a file".getBytes(StandardCharsets.UTF_8));
        Harness.Pair pair = pairWithBob(Harness.auto(notADirectory));

        Transfer.Result sent = pair.alice().session().sendFile(file("doc.txt", 100)).get(5, TimeUnit.SECONDS);

        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).startsWith("bob refused 'doc.txt': the receiver cannot write the file");
        Recorder.Finished atBob = pair.bob().events().nextReceived();
        assertThat(atBob.result().ok()).isFalse();
        assertThat(atBob.result().message()).startsWith("refused 'doc.txt': cannot receive files: ")
                .contains(notADirectory.toString());
        assertThat(Files.readString(notADirectory)).isEqualTo("I am a file");
        // and the chat goes on, both ways
        pair.alice().session().sendChat("can you hear me?");
        assertThat(pair.bob().events().nextChat()).isEqualTo("can you hear me?");
        pair.bob().session().sendChat("yes, but no files");
        assertThat(pair.alice().events().nextChat()).isEqualTo("yes, but no files");
    }

    @Test
    void aPartialThatCannotBeOpenedRefusesTheOfferAndKeepsTheSession() throws Exception {
        Path downloads = tmp.resolve("downloads");
        Downloads folder = Harness.downloads(downloads);
        // the partial's place is taken by a directory that cannot be removed, so it cannot be opened
        Path partial = folder.partialFor("alice", "doc.txt", 100);
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("keep"), "x");
        Harness.Pair pair = pairWithBob(new ReceivePolicy(ReceivePolicy.Mode.AUTO, folder, ReceivePolicy.UNLIMITED, 8));

        Transfer.Result sent = pair.alice().session().sendFile(file("doc.txt", 100)).get(5, TimeUnit.SECONDS);

        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).startsWith("bob refused 'doc.txt': the receiver cannot write the file");
        assertThat(Harness.finalFiles(downloads)).isEmpty();
        pair.alice().session().sendChat("still there?");
        assertThat(pair.bob().events().nextChat()).isEqualTo("still there?");
    }
}
