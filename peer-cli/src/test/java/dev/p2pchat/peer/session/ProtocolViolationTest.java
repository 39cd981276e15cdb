package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.session.ChatSession.EndReason;
import dev.p2pchat.peer.session.ChatSession.Ending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hand-driven peer breaks the protocol; the session answers ERROR protocol_error with the
 * exact reason, closes, ends with PROTOCOL_ERROR, and never gives a file its final name.
 */
class ProtocolViolationTest {

    private static final String HASH_OF_NOTHING = Harness.sha256(new byte[0]);

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    interface Script {
        void play(RawPeer alice) throws IOException;
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("an unknown frame type", ReceivePolicy.Mode.AUTO,
                        alice -> alice.sendRaw(hex("7a 00 00 00 00")),
                        "unknown frame type 0x7a"),
                violation("a length over 1 MiB, before any payload", ReceivePolicy.Mode.AUTO,
                        alice -> alice.sendRaw(hex("13 00 1e 84 80")),
                        "frame length 2000000 exceeds 1048576"),
                violation("a length over the type's maximum", ReceivePolicy.Mode.AUTO,
                        alice -> alice.sendRaw(hex("02 00 01 11 70")),
                        "CHAT frame length 70000 exceeds 65536"),
                violation("a payload that is not JSON", ReceivePolicy.Mode.AUTO,
                        alice -> alice.sendRaw(frame(0x10, "{\"id\":1,")),
                        "bad FILE_OFFER payload: not JSON"),
                violation("an offer with an empty name", ReceivePolicy.Mode.AUTO,
                        alice -> alice.sendRaw(frame(0x10, "{\"id\":1,\"name\":\"\",\"size\":3}")),
                        "bad FILE_OFFER payload: field 'name' must not be empty"),
                violation("a frame cut short by the end of the stream", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.sendRaw(hex("02 00 00 00 0a 61 62 63"));
                            alice.closeOutput();
                        },
                        "truncated frame: expected 10 payload bytes, got 3"),
                violation("a second HELLO", ReceivePolicy.Mode.AUTO,
                        alice -> alice.send(Frame.Hello.of("alice", "p2pchat-java/1")),
                        "HELLO after the handshake"),
                violation("FILE_DATA for an id never offered", ReceivePolicy.Mode.AUTO,
                        alice -> alice.send(new Frame.FileData(7, new byte[] {1, 2, 3})),
                        "FILE_DATA for unknown file id 7"),
                // ASK with no answer yet keeps the offer undecided, so the order is certain
                violation("FILE_DATA before FILE_ACCEPT", ReceivePolicy.Mode.ASK,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "early.bin", 3));
                            alice.send(new Frame.FileData(1, new byte[] {1, 2, 3}));
                        },
                        "FILE_DATA before FILE_ACCEPT for file id 1"),
                violation("FILE_END before FILE_ACCEPT", ReceivePolicy.Mode.ASK,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "early.bin", 0));
                            alice.send(new Frame.FileEnd(1, HASH_OF_NOTHING));
                        },
                        "FILE_END before FILE_ACCEPT for file id 1"),
                violation("more bytes than offered in one chunk", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "ten.bin", 10));
                            alice.expect(Frame.FileAccept.class);
                            alice.send(new Frame.FileData(1, new byte[11]));
                        },
                        "more data than offered for file id 1: 11 > 10 bytes"),
                violation("more bytes than offered over several chunks", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "ten.bin", 10));
                            alice.expect(Frame.FileAccept.class);
                            alice.send(new Frame.FileData(1, new byte[6]));
                            alice.send(new Frame.FileData(1, new byte[6]));
                        },
                        "more data than offered for file id 1: 12 > 10 bytes"),
                violation("FILE_END before all the data", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "ten.bin", 10));
                            alice.expect(Frame.FileAccept.class);
                            alice.send(new Frame.FileData(1, new byte[5]));
                            alice.send(new Frame.FileEnd(1, Harness.sha256(new byte[5])));
                        },
                        "FILE_END for file id 1 after 5 of 10 bytes"),
                violation("FILE_ACCEPT for a file never offered", ReceivePolicy.Mode.AUTO,
                        alice -> alice.send(Frame.FileAccept.fromStart(2)),
                        "FILE_ACCEPT for unknown file id 2"),
                violation("FILE_RESULT for a file never offered", ReceivePolicy.Mode.AUTO,
                        alice -> alice.send(new Frame.FileResult(4, true, HASH_OF_NOTHING)),
                        "FILE_RESULT for unknown file id 4"),
                violation("an offer with the listener's (even) parity from the dialer", ReceivePolicy.Mode.AUTO,
                        alice -> alice.send(new Frame.FileOffer(2, "even.bin", 1)),
                        "FILE_OFFER id 2 has the parity of this side's ids"),
                violation("an offer reusing a finished id", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.sendFile(1, "once.txt", new byte[0], HASH_OF_NOTHING);
                            assertThat(alice.expect(Frame.FileResult.class).ok()).isTrue();
                            alice.send(new Frame.FileOffer(1, "twice.txt", 0));
                        },
                        "FILE_OFFER id 1 is not above the last offered id 1"),
                violation("an offer with a lower id than the one before", ReceivePolicy.Mode.AUTO,
                        alice -> {
                            alice.sendFile(5, "five.txt", new byte[0], HASH_OF_NOTHING);
                            assertThat(alice.expect(Frame.FileResult.class).ok()).isTrue();
                            alice.send(new Frame.FileOffer(3, "three.txt", 0));
                        },
                        "FILE_OFFER id 3 is not above the last offered id 5"),
                violation("an offer reusing a refused id", ReceivePolicy.Mode.NO,
                        alice -> {
                            alice.send(new Frame.FileOffer(7, "refused.txt", 1));
                            alice.expect(Frame.FileReject.class);
                            alice.send(new Frame.FileOffer(7, "again.txt", 1));
                        },
                        "FILE_OFFER id 7 is not above the last offered id 7"),
                violation("FILE_DATA for an offer refused at once (the sender had no FILE_ACCEPT)",
                        ReceivePolicy.Mode.NO,
                        alice -> {
                            alice.send(new Frame.FileOffer(1, "refused.txt", 1));
                            alice.expect(Frame.FileReject.class);
                            alice.send(new Frame.FileData(1, new byte[1]));
                        },
                        "FILE_DATA for unknown file id 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aViolationIsAnsweredWithProtocolErrorAndEndsTheSession(String what, ReceivePolicy.Mode mode, Script script,
                                                                String message) throws Exception {
        Path downloads = tmp.resolve("downloads");
        ReceivePolicy policy = new ReceivePolicy(mode, Harness.downloads(downloads), ReceivePolicy.UNLIMITED, 8);
        Harness.RawPair pair = harness.raw(false, policy, ChatSession.Liveness.DEFAULT);
        pair.session().events().answer = offer -> new CompletableFuture<>(); // ASK: the user never answers

        script.play(pair.raw());

        Frame.Error error = pair.raw().expectErrorThenEnd();
        assertThat(error.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(error.message()).isEqualTo(message);
        Ending ending = pair.session().events().awaitEnded();
        assertThat(ending.reason()).isEqualTo(EndReason.PROTOCOL_ERROR);
        assertThat(ending.message()).isEqualTo("protocol error from alice: " + message);
        assertThat(Harness.finalFiles(downloads)).as("files under a final name")
                .allSatisfy(file -> assertThat(file.getFileName().toString()).isIn("once.txt", "five.txt"));
    }

    @Test
    void offerIdsMayJumpAsLongAsTheyIncrease() throws Exception {
        Path downloads = tmp.resolve("downloads");
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads), ChatSession.Liveness.DEFAULT);
        byte[] three = "three".getBytes(StandardCharsets.UTF_8);
        byte[] far = "far".getBytes(StandardCharsets.UTF_8);
        pair.raw().sendFile(3, "three.txt", three, Harness.sha256(three));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        pair.raw().sendFile(Frames.MAX_ID, "far.txt", far, Harness.sha256(far));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        assertThat(pair.session().session().isOpen()).isTrue();
        assertThat(Harness.finalFiles(downloads)).hasSize(2);
    }

    // ---------------------------------------------------------------- offers the receiver keeps refusing

    @Test
    void afterTheMostRefusedOffersInARowTheNextRefusalEndsTheSession() throws Exception {
        ReceivePolicy no = new ReceivePolicy(ReceivePolicy.Mode.NO, Harness.downloads(tmp.resolve("downloads")),
                ReceivePolicy.UNLIMITED, 8);
        Harness.RawPair pair = harness.raw(false, no, ChatSession.Liveness.DEFAULT);
        for (int i = 0; i < IncomingFiles.MAX_REFUSED_IN_A_ROW; i++) {
            pair.raw().send(new Frame.FileOffer(2L * i + 1, "spam.txt", 1));
            assertThat(pair.raw().expect(Frame.FileReject.class).id()).isEqualTo(2L * i + 1);
        }
        pair.raw().send(new Frame.FileOffer(1001, "one more.txt", 1));

        Frame.Error error = pair.raw().expectErrorThenEnd();
        assertThat(error.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(error.message()).isEqualTo("more than 64 file offers refused in a row");
        assertThat(pair.session().events().awaitEnded().message())
                .isEqualTo("protocol error from alice: more than 64 file offers refused in a row");
    }

    @Test
    void anAcceptedFileStartsTheCountOfRefusalsAgain() throws Exception {
        ReceivePolicy small = new ReceivePolicy(ReceivePolicy.Mode.AUTO, Harness.downloads(tmp.resolve("downloads")), 10, 8);
        Harness.RawPair pair = harness.raw(false, small, ChatSession.Liveness.DEFAULT);
        long id = 1;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < IncomingFiles.MAX_REFUSED_IN_A_ROW; i++, id += 2) {
                pair.raw().send(new Frame.FileOffer(id, "too big.bin", 11));
                assertThat(pair.raw().expect(Frame.FileReject.class).id()).isEqualTo(id);
            }
            byte[] small10 = "ten bytes!".getBytes(StandardCharsets.UTF_8);
            pair.raw().sendFile(id, "fits " + round + ".txt", small10, Harness.sha256(small10));
            assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
            id += 2;
        }
        pair.raw().send(new Frame.Chat("still talking"));
        assertThat(pair.session().events().nextChat()).isEqualTo("still talking");
        assertThat(pair.session().session().isOpen()).isTrue();
    }

    @Test
    void aSenderThatCancelsEveryAcceptedOfferBeforeItsDataIsCountedAsRefused() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        long id = 1;
        for (int i = 0; i < IncomingFiles.MAX_REFUSED_IN_A_ROW; i++, id += 2) {
            pair.raw().send(new Frame.FileOffer(id, "resume me.bin", 1_000_000));
            assertThat(pair.raw().expect(Frame.FileAccept.class).id()).isEqualTo(id);
            pair.raw().send(new Frame.FileReject(id, "cancelled"));
        }
        pair.raw().send(new Frame.FileOffer(id, "resume me.bin", 1_000_000));
        assertThat(pair.raw().expect(Frame.FileAccept.class).id()).isEqualTo(id);
        pair.raw().send(new Frame.FileReject(id, "cancelled"));

        Frame.Error error = pair.raw().expectErrorThenEnd();
        assertThat(error.message()).isEqualTo("more than " + IncomingFiles.MAX_REFUSED_IN_A_ROW
                + " file offers refused in a row");
    }

    @Test
    void anOfferWithTheDialersParityFromTheListenerIsAProtocolError() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        pair.raw().send(new Frame.FileOffer(3, "odd.bin", 1));
        Frame.Error error = pair.raw().expectErrorThenEnd();
        assertThat(error.message()).isEqualTo("FILE_OFFER id 3 has the parity of this side's ids");
        assertThat(pair.session().events().awaitEnded().reason()).isEqualTo(EndReason.PROTOCOL_ERROR);
    }

    // ---------------------------------------------------------------- the session sends, the raw peer receives

    @Test
    void aSecondAcceptForTheSameFileIsAProtocolError() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        Path file = Harness.write(tmp.resolve("out/small.txt"), "hello".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));

        Frame.Error error = pair.raw().expectErrorSkippingData();
        assertThat(error.message()).isEqualTo("second FILE_ACCEPT for file id 1");
        assertThat(pair.session().events().awaitEnded().reason()).isEqualTo(EndReason.PROTOCOL_ERROR);
        assertThat(result.join().ok()).isFalse();
    }

    @Test
    void anAcceptBeyondTheSizeIsAProtocolError() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        Path file = Harness.write(tmp.resolve("out/small.txt"), "hello".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(new Frame.FileAccept(offer.id(), 6, HASH_OF_NOTHING));

        Frame.Error error = pair.raw().expectErrorThenEnd();
        assertThat(error.message()).isEqualTo("FILE_ACCEPT offset 6 is beyond the size 5 of file id 1");
        assertThat(result.join().ok()).isFalse();
    }

    @Test
    void aResultBeforeTheEndIsAProtocolError() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        // larger than the pipe, so FILE_END cannot have been sent before the raw peer reads
        Path file = Harness.write(tmp.resolve("out/big.bin"), Harness.random(3 * Pipe.DEFAULT_CAPACITY, 1));
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));
        pair.raw().send(new Frame.FileResult(offer.id(), true, HASH_OF_NOTHING));

        Frame.Error error = pair.raw().expectErrorSkippingData();
        assertThat(error.message()).isEqualTo("FILE_RESULT before FILE_END for file id 1");
        assertThat(pair.session().events().awaitEnded().reason()).isEqualTo(EndReason.PROTOCOL_ERROR);
        assertThat(result.join().ok()).isFalse();
    }

    @Test
    void aSecondResultIsAProtocolError() throws Exception {
        Harness.RawPair pair = harness.raw(true, Harness.auto(tmp.resolve("downloads")), ChatSession.Liveness.DEFAULT);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        Path file = Harness.write(tmp.resolve("out/small.txt"), content);
        CompletableFuture<Transfer.Result> result = pair.session().session().sendFile(file);
        Frame.FileOffer offer = pair.raw().expect(Frame.FileOffer.class);
        pair.raw().send(Frame.FileAccept.fromStart(offer.id()));
        RawPeer.Received received = pair.raw().receiveFile(offer.id());
        pair.raw().send(new Frame.FileResult(offer.id(), true, Harness.sha256(received.bytes())));
        assertThat(result.join().ok()).isTrue();
        pair.raw().send(new Frame.FileResult(offer.id(), true, Harness.sha256(received.bytes())));

        assertThat(pair.raw().expectErrorThenEnd().message()).isEqualTo("FILE_RESULT for unknown file id 1");
    }

    private static Arguments violation(String what, ReceivePolicy.Mode mode, Script script, String message) {
        return Arguments.of(what, mode, script, message);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] frame(int type, String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[Frames.HEADER_BYTES + body.length];
        frame[0] = (byte) type;
        frame[1] = (byte) (body.length >>> 24);
        frame[2] = (byte) (body.length >>> 16);
        frame[3] = (byte) (body.length >>> 8);
        frame[4] = (byte) body.length;
        System.arraycopy(body, 0, frame, Frames.HEADER_BYTES, body.length);
        return frame;
    }
}
