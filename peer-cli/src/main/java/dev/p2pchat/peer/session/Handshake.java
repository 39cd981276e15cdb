package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameLimits;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * The HELLO exchange after TLS: the dialer speaks first, the listener checks the claimed
 * username against the certificate and answers. Each side waits at most {@code timeout} for
 * the other's HELLO, in all (a read timeout alone would let a peer that sends one byte at a time
 * hold the connection for hours). When this class throws {@link PeerRefusedException}, the wire
 * is closed.
 *
 * <p>Until the other side's HELLO is in, only HELLO, ERROR and CLOSE are read, and none over
 * 16 KiB ({@link FrameLimits#HANDSHAKE}): a peer not yet known cannot make us allocate a 1 MiB
 * FILE_DATA buffer. Anything else is refused on its header with ERROR {@code protocol_error}.
 */
public final class Handshake {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String CLIENT = "p2pchat-java/1";

    private Handshake() {
    }

    /** Our HELLO: who we are, the key log head we verified (or null), and how many files we take at once. */
    private static Frame.Hello hello(String myUsername, Frame.LogHead logHead) {
        return new Frame.Hello(Frames.PROTOCOL_VERSION, myUsername, CLIENT, logHead, ReceivePolicy.FILES_AT_ONCE);
    }

    /** Dialer side: says who we are, expects {@code expectedPeer} to answer. Returns its HELLO. */
    public static Frame.Hello dial(Wire wire, FrameReader reader, FrameWriter writer, String myUsername,
                                   String expectedPeer, Duration timeout) throws IOException {
        return dial(wire, reader, writer, myUsername, expectedPeer, null, timeout);
    }

    /** As above, showing {@code logHead} (the key log head we verified, or null) in our HELLO. */
    public static Frame.Hello dial(Wire wire, FrameReader reader, FrameWriter writer, String myUsername,
                                   String expectedPeer, Frame.LogHead logHead, Duration timeout) throws IOException {
        writer.writeAndFlush(hello(myUsername, logHead));
        Frame answer = readWithin(wire, reader, writer, timeout, expectedPeer);
        if (answer instanceof Frame.Error error) {
            // never answer an ERROR with an ERROR
            wire.close();
            throw new PeerRefusedException(error.code(), expectedPeer + " refused the connection: " + error.message());
        }
        Frame.Hello hello = (Frame.Hello) answer;
        if (hello.version() != Frames.PROTOCOL_VERSION) {
            throw fail(writer, wire, ErrorCode.UNSUPPORTED_VERSION,
                    expectedPeer + " speaks p2pchat version " + hello.version() + ", this program version 1");
        }
        if (!hello.username().equalsIgnoreCase(expectedPeer)) {
            throw fail(writer, wire, ErrorCode.IDENTITY_MISMATCH,
                    "the peer at that address says it is '" + hello.username() + "', not '" + expectedPeer + "'");
        }
        return hello;
    }

    /**
     * Listener side: reads the dialer's HELLO, verifies the claimed name against the
     * certificate fingerprint, answers with our HELLO. Returns the dialer's HELLO.
     */
    public static Frame.Hello accept(Wire wire, FrameReader reader, FrameWriter writer, String myUsername,
                                     String peerFingerprint, PeerVerifier verifier, Duration timeout)
            throws IOException {
        return accept(wire, reader, writer, myUsername, peerFingerprint, verifier, null, timeout);
    }

    /** As above, showing {@code logHead} (the key log head we verified, or null) in our HELLO. */
    public static Frame.Hello accept(Wire wire, FrameReader reader, FrameWriter writer, String myUsername,
                                     String peerFingerprint, PeerVerifier verifier, Frame.LogHead logHead,
                                     Duration timeout) throws IOException {
        Frame first = readWithin(wire, reader, writer, timeout, "the peer");
        if (first instanceof Frame.Error error) {
            // never answer an ERROR with an ERROR
            wire.close();
            throw new PeerRefusedException(error.code(), "the peer gave up the handshake ("
                    + error.code().wire() + "): " + error.message());
        }
        Frame.Hello hello = (Frame.Hello) first;
        if (hello.version() != Frames.PROTOCOL_VERSION) {
            throw fail(writer, wire, ErrorCode.UNSUPPORTED_VERSION,
                    "version " + hello.version() + " is not supported; this peer speaks version 1");
        }
        try {
            verifier.verify(hello.username(), peerFingerprint);
        } catch (PeerRefusedException refused) {
            throw fail(writer, wire, refused.code(), refused.getMessage());
        }
        writer.writeAndFlush(hello(myUsername, logHead));
        return hello;
    }

    /**
     * The other side's first frame, HELLO or ERROR, within {@code timeout}. A CLOSE ends the
     * handshake (unanswered, as section 8.2 wants); a frame the reader refuses is answered with
     * ERROR {@code protocol_error}.
     */
    private static Frame readWithin(Wire wire, FrameReader reader, FrameWriter writer, Duration timeout, String who)
            throws IOException {
        // the read timeout bounds each read; this deadline bounds the whole HELLO by closing the wire
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> {
            if (settled.compareAndSet(false, true)) {
                wire.close();
            }
        }, CompletableFuture.delayedExecutor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS));
        Frame frame;
        try {
            wire.setReadTimeout(timeout);
            frame = reader.read(FrameLimits.HANDSHAKE);
        } catch (SocketTimeoutException e) {
            settled.set(true);
            deadline.cancel(false);
            throw timedOut(wire, timeout, who);
        } catch (SSLException e) {
            if (!settled.compareAndSet(false, true)) {
                throw timedOut(wire, timeout, who);
            }
            deadline.cancel(false);
            wire.close();
            // TLS 1.3: a listener that refuses our certificate says so only on our first read
            throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, who + " refused our identity certificate ("
                    + e.getMessage() + ")");
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true)) {
                throw timedOut(wire, timeout, who);
            }
            deadline.cancel(false);
            if (e instanceof ProtocolException) {
                tell(writer, ErrorCode.PROTOCOL_ERROR, e.getMessage());
                wire.close();
            }
            throw e;
        }
        if (!settled.compareAndSet(false, true)) {
            throw timedOut(wire, timeout, who);
        }
        deadline.cancel(false);
        wire.setReadTimeout(Duration.ZERO);
        if (frame == null || frame instanceof Frame.Close) {
            wire.close();
            throw new ProtocolException(who + " closed the connection during the handshake");
        }
        return frame;
    }

    /** The HELLO did not come in time: the connection is dropped. */
    private static PeerRefusedException timedOut(Wire wire, Duration timeout, String who) {
        wire.close();
        return new PeerRefusedException(ErrorCode.TIMEOUT, "no HELLO from " + who + " within "
                + timeout.toSeconds() + " s");
    }

    /** Tells the other side why (ERROR), closes, and returns the exception to throw. */
    private static PeerRefusedException fail(FrameWriter writer, Wire wire, ErrorCode code, String message) {
        tell(writer, code, message);
        wire.close();
        return new PeerRefusedException(code, message);
    }

    private static void tell(FrameWriter writer, ErrorCode code, String message) {
        try {
            writer.writeAndFlush(new Frame.Error(code, clip(message)));
        } catch (IOException | RuntimeException ignored) {
            // the refusal stands even if the other side cannot hear it
        }
    }

    static String clip(String text) {
        return text.length() <= Frames.MAX_TEXT_CHARS ? text : text.substring(0, Frames.MAX_TEXT_CHARS);
    }
}
