package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.session.ChatSession.EndReason;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer broken half-way leaves a partial and no final file; the next session offering
 * the same file resumes from the partial, unless the file changed since.
 */
class ResumeTest {

    private static final int SIZE = 3 * (1 << 20) + 777;
    /** Bytes alice may write before her connection breaks: about half the file. */
    private static final long BREAK_AFTER = SIZE / 2;

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Path downloads() {
        return tmp.resolve("bob-downloads");
    }

    /** alice sends {@code file} to bob over a connection that breaks half-way; returns the partial. */
    private Path breakHalfWay(Path file) throws Exception {
        Harness.Link link = harness.link();
        link.dialerToListener().breakAfter(BREAK_AFTER);
        Harness.Pair broken = harness.pair(link, Harness.auto(tmp.resolve("alice-downloads")),
                Harness.auto(downloads()), Liveness.DEFAULT);

        Transfer.Result sent = broken.alice().session().sendFile(file).get(10, TimeUnit.SECONDS);
        assertThat(sent.ok()).isFalse();
        assertThat(sent.message()).startsWith("connection to bob lost after").endsWith("send it again to resume");
        assertThat(broken.bob().events().awaitEnded().reason()).isEqualTo(EndReason.LOST);
        assertThat(broken.alice().events().awaitEnded().reason()).isEqualTo(EndReason.LOST);
        Recorder.Finished atBob = broken.bob().events().nextReceived();
        assertThat(atBob.result().ok()).isFalse();
        assertThat(atBob.result().savedAs()).isNull();

        assertThat(Harness.finalFiles(downloads())).as("no file under a final name").isEmpty();
        assertThat(Harness.partials(downloads())).hasSize(1);
        Path partial = Harness.partials(downloads()).get(0);
        assertThat(Files.size(partial)).isPositive().isLessThan(SIZE);
        return partial;
    }

    @Test
    void aBrokenTransferLeavesAPartialThatTheNextSessionResumes() throws Exception {
        byte[] content = Harness.random(SIZE, 7);
        Path file = Harness.write(tmp.resolve("outbox/movie.mkv"), content);
        Path partial = breakHalfWay(file);
        long kept = Files.size(partial);
        byte[] prefix = Files.readAllBytes(partial);
        assertThat(prefix).isEqualTo(java.util.Arrays.copyOf(content, (int) kept));

        Harness.Pair again = harness.pair(Harness.auto(tmp.resolve("alice-downloads")), Harness.auto(downloads()));
        Transfer.Result sent = again.alice().session().sendFile(file).get(10, TimeUnit.SECONDS);

        assertThat(sent.ok()).as(sent.message()).isTrue();
        assertThat(sent.sha256()).isEqualTo(Harness.sha256(content));
        assertThat(sent.bytes()).as("bytes moved the second time").isEqualTo(SIZE - kept);
        Recorder.Finished received = again.bob().events().nextReceived();
        assertThat(received.transfer().offset()).isEqualTo(kept);
        assertThat(received.result().bytes()).isEqualTo(SIZE - kept);
        assertThat(received.result().ok()).isTrue();
        assertThat(received.result().savedAs()).isEqualTo(downloads().resolve("movie.mkv"));
        assertThat(Files.readAllBytes(downloads().resolve("movie.mkv"))).isEqualTo(content);
        assertThat(Harness.partials(downloads())).isEmpty();
        // the sender's view of the same transfer started at the resumed offset too
        assertThat(again.alice().events().started).singleElement()
                .satisfies(transfer -> assertThat(transfer.offset()).isEqualTo(kept));
    }

    @Test
    void aChangedSourceWithTheSameNameAndSizeIsDetectedAndSentAgainFromZero() throws Exception {
        byte[] original = Harness.random(SIZE, 8);
        Path file = Harness.write(tmp.resolve("outbox/report.pdf"), original);
        breakHalfWay(file);
        byte[] changed = original.clone();
        changed[10] ^= 0x55; // inside the prefix bob kept
        Files.write(file, changed);

        Harness.Pair again = harness.pair(Harness.auto(tmp.resolve("alice-downloads")), Harness.auto(downloads()));
        Transfer.Result sent = again.alice().session().sendFile(file).get(10, TimeUnit.SECONDS);

        assertThat(sent.ok()).as(sent.message()).isTrue();
        assertThat(sent.sha256()).isEqualTo(Harness.sha256(changed));
        assertThat(sent.bytes()).isEqualTo(SIZE);
        // bob first offered to resume, was told "prefix mismatch", dropped his partial, took it whole
        Recorder.Finished mismatch = again.bob().events().nextReceived();
        assertThat(mismatch.result().ok()).isFalse();
        assertThat(mismatch.result().message()).isEqualTo("alice cancelled 'report.pdf': prefix mismatch");
        assertThat(mismatch.transfer().offset()).isPositive();
        Recorder.Finished whole = again.bob().events().nextReceived();
        assertThat(whole.result().ok()).as(whole.result().message()).isTrue();
        assertThat(whole.transfer().offset()).isZero();
        assertThat(whole.transfer().id()).isNotEqualTo(mismatch.transfer().id());
        assertThat(Files.readAllBytes(downloads().resolve("report.pdf"))).isEqualTo(changed);
        assertThat(Harness.finalFiles(downloads())).containsExactly(downloads().resolve("report.pdf"));
        assertThat(Harness.partials(downloads())).isEmpty();
        assertThat(again.alice().session().isOpen()).isTrue();
    }

    @Test
    void aPartialFromAnotherSenderIsNotResumed() throws Exception {
        byte[] content = Harness.random(SIZE, 9);
        Path file = Harness.write(tmp.resolve("outbox/shared.bin"), content);
        breakHalfWay(file);

        // carol offers a file of the same name and size: partials are keyed by sender too
        Harness.Link link = harness.link();
        Harness.Side carol = harness.start("bob", true, link.dialer(), Harness.auto(tmp.resolve("carol")),
                Liveness.DEFAULT);
        Harness.Side bob = harness.start("carol", false, link.listener(), Harness.auto(downloads()), Liveness.DEFAULT);
        Transfer.Result sent = carol.session().sendFile(file).get(10, TimeUnit.SECONDS);

        assertThat(sent.ok()).isTrue();
        assertThat(sent.bytes()).isEqualTo(SIZE);
        assertThat(bob.events().nextReceived().transfer().offset()).isZero();
        assertThat(Harness.partials(downloads())).as("alice's partial stays for alice").hasSize(1);
    }
}
