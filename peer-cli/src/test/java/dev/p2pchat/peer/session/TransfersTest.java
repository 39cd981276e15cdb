package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file state machines alone, without a session: frames go in by hand, what they send is
 * collected, and work that a session runs on its workers runs at once on the calling thread, so
 * that races are played in a fixed order.
 */
class TransfersTest {

    @TempDir
    Path tmp;

    final List<Frame> sent = new CopyOnWriteArrayList<>();
    final Recorder events = new Recorder();

    private Transfers receiver(ReceivePolicy policy) {
        Transfers.Link link = new Transfers.Link() {
            @Override
            public String peer() {
                return "alice";
            }

            @Override
            public void send(Frame frame) {
                sent.add(frame);
            }
        };
        return new Transfers(link, false, events, policy, Runnable::run);
    }

    private ReceivePolicy ask() {
        return new ReceivePolicy(ReceivePolicy.Mode.ASK, Harness.downloads(tmp.resolve("downloads")),
                ReceivePolicy.UNLIMITED, 8);
    }

    @Test
    void aFileDeclinedWhileTheSessionEndsIsReportedOnce() throws Exception {
        Transfers transfers = receiver(ask());
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        events.answer = offer -> answer;
        // the user says no just as the end of the session reports the file lost
        events.onFinished = (transfer, result) -> answer.complete(false);
        transfers.onFrame(new Frame.FileOffer(1, "a.txt", 3));

        transfers.ended();

        assertThat(events.received).singleElement()
                .satisfies(finished -> assertThat(finished.result().lost()).isTrue());
    }

    @Test
    void aFileDeclinedBeforeTheSessionEndsIsReportedOnce() throws Exception {
        Transfers transfers = receiver(ask());
        events.answer = offer -> CompletableFuture.completedFuture(false);
        transfers.onFrame(new Frame.FileOffer(1, "a.txt", 3));

        transfers.ended();

        assertThat(events.received).singleElement()
                .satisfies(finished -> assertThat(finished.result().message()).endsWith("declined by the receiver"));
        assertThat(sent).containsExactly(new Frame.FileReject(1, "declined by the receiver"));
    }
}
