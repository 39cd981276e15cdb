package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HELLO exchange: {@link Handshake#dial} against {@link Handshake#accept}, or against a raw peer. */
class HandshakeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final String ALICE_FINGERPRINT = "a1".repeat(32);

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    /** A wire over a pipe end whose read timeout works like SO_TIMEOUT, and which remembers being closed. */
    static final class TestWire implements Wire {
        final Harness.End end;
        final List<Duration> timeouts = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        TestWire(Harness.End end) {
            this.end = end;
        }

        @Override
        public InputStream in() {
            return end.in();
        }

        @Override
        public OutputStream out() {
            return end.out();
        }

        @Override
        public void setReadTimeout(Duration timeout) {
            timeouts.add(timeout);
            end.inPipe().readTimeout(timeout);
        }

        @Override
        public void shutdownOutput() {
            end.outPipe().closeWriter();
        }

        @Override
        public void close() {
            closed = true;
            end.outPipe().closeWriter();
            end.inPipe().closeReader();
        }
    }

    record Verified(String claimed, String fingerprint) {
    }

    private CompletableFuture<Frame.Hello> dial(TestWire wire, String expected, Duration timeout) {
        return harness.async(() -> Handshake.dial(wire, new FrameReader(wire.in()), new FrameWriter(wire.out()),
                "alice", expected, timeout));
    }

    private CompletableFuture<Frame.Hello> accept(TestWire wire, PeerVerifier verifier, Duration timeout) {
        return harness.async(() -> Handshake.accept(wire, new FrameReader(wire.in()), new FrameWriter(wire.out()),
                "bob", ALICE_FINGERPRINT, verifier, timeout));
    }

    private static <T extends Throwable> T failure(CompletableFuture<?> future, Class<T> type) {
        ExecutionException e = catchThrowableOfType(ExecutionException.class,
                () -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(e).as("the handshake should have failed").isNotNull();
        assertThat(e.getCause()).isInstanceOf(type);
        return type.cast(e.getCause());
    }

    @Test
    void dialAndAcceptExchangeHellos() throws Exception {
        Harness.Link link = harness.link();
        TestWire dialer = new TestWire(link.dialer());
        TestWire listener = new TestWire(link.listener());
        List<Verified> verified = new CopyOnWriteArrayList<>();

        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        CompletableFuture<Frame.Hello> accepted = accept(listener,
                (claimed, fingerprint) -> verified.add(new Verified(claimed, fingerprint)), TIMEOUT);

        Frame.Hello bobsHello = dialed.get(5, TimeUnit.SECONDS);
        Frame.Hello alicesHello = accepted.get(5, TimeUnit.SECONDS);
        // each says how many files it takes at once
        assertThat(bobsHello).isEqualTo(new Frame.Hello(1, "bob", Handshake.CLIENT, ReceivePolicy.FILES_AT_ONCE));
        assertThat(alicesHello).isEqualTo(new Frame.Hello(1, "alice", Handshake.CLIENT, ReceivePolicy.FILES_AT_ONCE));
        assertThat(bobsHello.filesAtOnce()).isEqualTo(32);
        assertThat(new Frame.Hello(1, "bob", Handshake.CLIENT).filesAtOnce()).as("an older peer").isEqualTo(8);
        assertThat(verified).containsExactly(new Verified("alice", ALICE_FINGERPRINT));
        // the read timeout only bounds the handshake
        assertThat(dialer.timeouts).containsExactly(TIMEOUT, Duration.ZERO);
        assertThat(listener.timeouts).containsExactly(TIMEOUT, Duration.ZERO);
        assertThat(dialer.closed).isFalse();
        assertThat(listener.closed).isFalse();
    }

    @Test
    void keyLogHeadsTravelBothWaysAndAreOptional() throws Exception {
        Frame.LogHead alicesHead = new Frame.LogHead("aa".repeat(32), 7, "bb".repeat(32), 1_764_000_000_000L, "AAAA");
        Harness.Link link = harness.link();
        TestWire dialer = new TestWire(link.dialer());
        TestWire listener = new TestWire(link.listener());

        // alice shows her head; bob, like an older peer, shows none
        CompletableFuture<Frame.Hello> dialed = harness.async(() -> Handshake.dial(dialer, new FrameReader(dialer.in()),
                new FrameWriter(dialer.out()), "alice", "bob", alicesHead, TIMEOUT));
        CompletableFuture<Frame.Hello> accepted = accept(listener, (claimed, fingerprint) -> { }, TIMEOUT);

        assertThat(dialed.get(5, TimeUnit.SECONDS).logHead()).isNull();
        assertThat(accepted.get(5, TimeUnit.SECONDS).logHead()).isEqualTo(alicesHead);
    }

    @Test
    void theDialerSpeaksFirst() throws Exception {
        Harness.Link link = harness.link();
        RawPeer bob = new RawPeer(link.listener());
        CompletableFuture<Frame.Hello> dialed = dial(new TestWire(link.dialer()), "bob", TIMEOUT);
        assertThat(bob.expect(Frame.Hello.class)).isEqualTo(new Frame.Hello(1, "alice", Handshake.CLIENT, ReceivePolicy.FILES_AT_ONCE));
        assertThat(dialed).isNotDone();
        bob.send(Frame.Hello.of("bob", "other-client/2"));
        assertThat(dialed.get(5, TimeUnit.SECONDS).client()).isEqualTo("other-client/2");
    }

    @Test
    void theListenersNameIsComparedIgnoringCase() throws Exception {
        Harness.Link link = harness.link();
        RawPeer bob = new RawPeer(link.listener());
        CompletableFuture<Frame.Hello> dialed = dial(new TestWire(link.dialer()), "bob", TIMEOUT);
        bob.expect(Frame.Hello.class);
        bob.send(Frame.Hello.of("BoB", "x"));
        assertThat(dialed.get(5, TimeUnit.SECONDS).username()).isEqualTo("BoB");
    }

    @Test
    void aRefusalByTheVerifierReachesTheDialerWithItsCodeAndMessage() throws Exception {
        Harness.Link link = harness.link();
        TestWire dialer = new TestWire(link.dialer());
        TestWire listener = new TestWire(link.listener());
        String why = "your identity key is not the one bob knows for alice";

        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        CompletableFuture<Frame.Hello> accepted = accept(listener, (claimed, fingerprint) -> {
            throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, why);
        }, TIMEOUT);

        PeerRefusedException atAlice = failure(dialed, PeerRefusedException.class);
        assertThat(atAlice.code()).isEqualTo(ErrorCode.IDENTITY_MISMATCH);
        assertThat(atAlice.getMessage()).isEqualTo("bob refused the connection: " + why);
        PeerRefusedException atBob = failure(accepted, PeerRefusedException.class);
        assertThat(atBob.code()).isEqualTo(ErrorCode.IDENTITY_MISMATCH);
        assertThat(atBob.getMessage()).isEqualTo(why);
        assertThat(listener.closed).isTrue();
    }

    @Test
    void anUnknownUserIsRefusedWithUnknownUser() throws Exception {
        Harness.Link link = harness.link();
        CompletableFuture<Frame.Hello> dialed = dial(new TestWire(link.dialer()), "bob", TIMEOUT);
        accept(new TestWire(link.listener()), (claimed, fingerprint) -> {
            throw new PeerRefusedException(ErrorCode.UNKNOWN_USER, "bob cannot verify 'alice': no such user");
        }, TIMEOUT);
        PeerRefusedException refused = failure(dialed, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_USER);
        assertThat(refused.getMessage()).isEqualTo("bob refused the connection: bob cannot verify 'alice': no such user");
    }

    @Test
    void aDialerSpeakingAnotherVersionIsRefusedWithUnsupportedVersion() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (claimed, fingerprint) -> { }, TIMEOUT);

        alice.send(new Frame.Hello(2, "alice", "future/2"));

        Frame.Error error = alice.expectErrorThenEnd();
        assertThat(error).isEqualTo(new Frame.Error(ErrorCode.UNSUPPORTED_VERSION,
                "version 2 is not supported; this peer speaks version 1"));
        assertThat(failure(accepted, PeerRefusedException.class).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(listener.closed).isTrue();
    }

    @Test
    void aListenerSpeakingAnotherVersionIsRefusedWithUnsupportedVersion() throws Exception {
        Harness.Link link = harness.link();
        RawPeer bob = new RawPeer(link.listener());
        TestWire dialer = new TestWire(link.dialer());
        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        bob.expect(Frame.Hello.class);

        bob.send(new Frame.Hello(2, "bob", "future/2"));

        PeerRefusedException refused = failure(dialed, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(refused.getMessage()).isEqualTo("bob speaks p2pchat version 2, this program version 1");
        assertThat(bob.expectErrorThenEnd().code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(dialer.closed).isTrue();
    }

    @Test
    void aListenerClaimingAnotherNameIsAnIdentityMismatch() throws Exception {
        Harness.Link link = harness.link();
        RawPeer mallory = new RawPeer(link.listener());
        TestWire dialer = new TestWire(link.dialer());
        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        mallory.expect(Frame.Hello.class);

        mallory.send(Frame.Hello.of("mallory", "x"));

        PeerRefusedException refused = failure(dialed, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.IDENTITY_MISMATCH);
        assertThat(refused.getMessage()).isEqualTo("the peer at that address says it is 'mallory', not 'bob'");
        Frame.Error error = mallory.expectErrorThenEnd();
        assertThat(error.code()).isEqualTo(ErrorCode.IDENTITY_MISMATCH);
        assertThat(dialer.closed).isTrue();
    }

    @Test
    void aBusyListenersErrorReachesTheDialer() throws Exception {
        Harness.Link link = harness.link();
        RawPeer bob = new RawPeer(link.listener());
        TestWire dialer = new TestWire(link.dialer());
        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        bob.expect(Frame.Hello.class);
        bob.send(new Frame.Error(ErrorCode.TOO_MANY_SESSIONS, "busy"));
        PeerRefusedException refused = failure(dialed, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.TOO_MANY_SESSIONS);
        assertThat(refused.getMessage()).isEqualTo("bob refused the connection: busy");
        assertThat(dialer.closed).as("a refused dial drops the connection").isTrue();
    }

    @Test
    void anythingButHelloFirstIsAProtocolError() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        CompletableFuture<Frame.Hello> accepted = accept(new TestWire(link.listener()), (c, f) -> { }, TIMEOUT);
        alice.sendRaw(ProtocolViolationTest.frame(0x02, "hi, no hello")); // in one write: refused on its header
        Frame.Error error = alice.expectErrorThenEnd();
        assertThat(error).isEqualTo(new Frame.Error(ErrorCode.PROTOCOL_ERROR, "CHAT frame not allowed during the handshake"));
        assertThat(failure(accepted, ProtocolException.class)).hasMessage("CHAT frame not allowed during the handshake");
    }

    @Test
    void aFileDataHeaderBeforeHelloIsRefusedOnTheHeaderWithoutWaitingForItsMegabyte() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, TIMEOUT);

        alice.sendRaw(ProtocolViolationTest.hex("13 00 10 00 00")); // FILE_DATA of 1 MiB, whose payload never comes

        Frame.Error error = alice.expectErrorThenEnd();
        assertThat(error).isEqualTo(new Frame.Error(ErrorCode.PROTOCOL_ERROR,
                "FILE_DATA frame not allowed during the handshake"));
        assertThat(failure(accepted, ProtocolException.class))
                .hasMessage("FILE_DATA frame not allowed during the handshake");
        assertThat(listener.closed).isTrue();
    }

    @Test
    void aChatHeaderInsteadOfTheListenersHelloIsRefusedOnTheHeader() throws Exception {
        Harness.Link link = harness.link();
        RawPeer bob = new RawPeer(link.listener());
        TestWire dialer = new TestWire(link.dialer());
        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", TIMEOUT);
        bob.expect(Frame.Hello.class);

        bob.sendRaw(ProtocolViolationTest.hex("02 00 01 00 00")); // CHAT of 64 KiB, whose payload never comes

        assertThat(failure(dialed, ProtocolException.class)).hasMessage("CHAT frame not allowed during the handshake");
        assertThat(bob.expectErrorThenEnd()).isEqualTo(new Frame.Error(ErrorCode.PROTOCOL_ERROR,
                "CHAT frame not allowed during the handshake"));
        assertThat(dialer.closed).isTrue();
    }

    @Test
    void aCloseInsteadOfHelloEndsTheHandshakeWithoutAnAnswer() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, TIMEOUT);

        alice.send(new Frame.Close("changed my mind"));

        assertThat(failure(accepted, ProtocolException.class))
                .hasMessage("the peer closed the connection during the handshake");
        alice.expectEnd();
        assertThat(listener.closed).isTrue();
    }

    @Test
    void anErrorInsteadOfHelloIsNotAnsweredWithAnError() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, TIMEOUT);
        alice.send(new Frame.Error(ErrorCode.INTERNAL, "giving up"));
        PeerRefusedException refused = failure(accepted, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(refused.getMessage()).contains("giving up");
        alice.expectEnd();
        assertThat(listener.closed).isTrue();
    }

    @Test
    void aPeerThatHangsUpDuringTheHandshakeIsReported() throws Exception {
        Harness.Link link = harness.link();
        CompletableFuture<Frame.Hello> dialed = dial(new TestWire(link.dialer()), "bob", TIMEOUT);
        new RawPeer(link.listener()).expect(Frame.Hello.class);
        link.listenerToDialer().closeWriter();
        assertThat(failure(dialed, ProtocolException.class))
                .hasMessage("bob closed the connection during the handshake");
    }

    @Test
    void noHelloFromTheListenerWithinTheTimeoutIsATimeout() throws Exception {
        Harness.Link link = harness.link();
        TestWire dialer = new TestWire(link.dialer());
        long start = System.nanoTime();
        CompletableFuture<Frame.Hello> dialed = dial(dialer, "bob", SHORT);
        PeerRefusedException refused = failure(dialed, PeerRefusedException.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(refused.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(refused.getMessage()).startsWith("no HELLO from bob within");
        assertThat(dialer.closed).as("a handshake that timed out drops the connection").isTrue();
    }

    @Test
    void noHelloFromTheDialerWithinTheTimeoutIsATimeout() throws Exception {
        Harness.Link link = harness.link();
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, SHORT);
        PeerRefusedException refused = failure(accepted, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(refused.getMessage()).startsWith("no HELLO from the peer within");
        assertThat(listener.closed).isTrue();
    }

    @Test
    void aHelloDribbledOneByteAtATimeStillTimesOutOnTime() throws Exception {
        Harness.Link link = harness.link();
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, SHORT);
        byte[] hello = ProtocolViolationTest.frame(0x01,
                "{\"version\":1,\"username\":\"alice\",\"client\":\"" + "x".repeat(100) + "\"}");
        CompletableFuture<Void> dribble = harness.async(() -> {
            for (byte b : hello) {
                link.dialerToListener().out().write(b);
                Thread.sleep(SHORT.toMillis() / 5); // each byte well within the read timeout
            }
            return null;
        });

        PeerRefusedException refused = failure(accepted, PeerRefusedException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.TIMEOUT);
        // the HELLO was never complete: the dribbler is still at it, or saw the connection dropped
        assertThat(!dribble.isDone() || dribble.isCompletedExceptionally()).isTrue();
        assertThat(listener.closed).isTrue();
    }

    @Test
    void aHelloWithABadPayloadIsAProtocolErrorTheDialerIsToldOf() throws Exception {
        Harness.Link link = harness.link();
        RawPeer alice = new RawPeer(link.dialer());
        TestWire listener = new TestWire(link.listener());
        CompletableFuture<Frame.Hello> accepted = accept(listener, (c, f) -> { }, TIMEOUT);

        alice.sendRaw(ProtocolViolationTest.frame(0x01, "{\"version\":1}"));

        assertThat(failure(accepted, ProtocolException.class)).hasMessage("bad HELLO payload: missing field 'username'");
        assertThat(alice.expectErrorThenEnd()).isEqualTo(new Frame.Error(ErrorCode.PROTOCOL_ERROR,
                "bad HELLO payload: missing field 'username'"));
        assertThat(listener.closed).isTrue();
    }
}
