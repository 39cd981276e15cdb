package dev.p2pchat.peer.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzz tests of {@link FrameReader} (Jazzer). The reader gets hostile bytes
 * from the network, so whatever it is given it must either return frames (or null at the end)
 * or throw {@link ProtocolException}: never another exception, never an allocation the header
 * did not justify. Every frame it returns must survive {@link FrameWriter} and a second read
 * unchanged.
 *
 * <p>{@code ./mvnw verify} runs each method on its inputs in
 * {@code src/test/resources/dev/p2pchat/peer/protocol/FrameReaderFuzzTestInputs/<method>/};
 * {@code .ci/fuzz.sh} fuzzes them ({@code JAZZER_FUZZ=1}).
 */
class FrameReaderFuzzTest {

    /** Frame types whose encoding is canonical: re-encoding gives back the bytes read. */
    private static final Set<FrameType> CANONICAL =
            Set.of(FrameType.CHAT, FrameType.FILE_DATA, FrameType.PING, FrameType.PONG);

    private static final FrameType[] TYPES = FrameType.values();

    /**
     * Without {@code JAZZER_FUZZ}, only the committed inputs run, and Jazzer's bug-detector
     * hooks stay off: installing them retransforms every project class loaded so far, which
     * takes half a minute and, on JDK 17, drops their {@code -parameters} names (Spring MVC
     * binds path variables by them), breaking other tests in the same JVM.
     */
    @BeforeAll
    static void noHooksWhenNotFuzzing() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz == null || fuzz.isEmpty()) {
            System.getProperties().putIfAbsent("jazzer.hooks", "false");
        }
    }

    /** Any bytes at all, as a peer could send them: headers, lengths and payloads fuzzed together. */
    @DictionaryEntries({"\u0001\u0000\u0000\u0000", "\u0013\u0000\u0000\u0000", "\u0020\u0000\u0000\u0000\u0008",
            "{\"version\":1,\"username\":\"alice\",\"client\":\"x\"}", "{\"id\":0,", "\"sha256\":\"", "\"offset\":",
            "\"name\":\"", "\"size\":", "\"reason\":\"", "\"code\":\"protocol_error\"", "\"message\":\""})
    @FuzzTest(maxDuration = "60s")
    void anyBytes(byte[] input) throws IOException {
        readAll(input);
        assertHandshakeLimitsOnlyNarrow(input);
    }

    /**
     * One frame with a valid header for the type picked by the first byte and the rest of the
     * input as its payload: reaches every payload parser (HELLO, CHAT, FILE_*, PING/PONG, ERROR,
     * CLOSE) without the fuzzer having to find a header first. The byte modulo 12 indexes
     * {@link FrameType#values()}, so the inputs are text: {@code 0{"version":1,...}} is a HELLO,
     * {@code 1} CHAT, ... {@code :} ERROR, {@code ;} CLOSE.
     */
    @DictionaryEntries({"\"version\"", "\"username\"", "\"client\"", "\"id\"", "\"name\"", "\"size\"", "\"offset\"",
            "\"prefixSha256\"", "\"reason\"", "\"sha256\"", "\"ok\"", "\"code\"", "\"message\"", "true", "false",
            "null", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-1", "1.0", "1e3",
            "\"protocol_error\"", "\"unsupported_version\"", "\"timeout\"", "\"alice\"", "\\u0000", "\\ud83d\\ude00",
            "\\ud800", "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""})
    @FuzzTest(maxDuration = "60s")
    void payloadOfEachType(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        FrameType type = TYPES[(input[0] & 0xff) % TYPES.length];
        int length = Math.min(input.length - 1, type.maxPayload());
        byte[] frame = new byte[Frames.HEADER_BYTES + length];
        frame[0] = (byte) type.code();
        frame[1] = (byte) (length >>> 24);
        frame[2] = (byte) (length >>> 16);
        frame[3] = (byte) (length >>> 8);
        frame[4] = (byte) length;
        System.arraycopy(input, 1, frame, Frames.HEADER_BYTES, length);

        Frame read = readAll(frame);
        if (read != null) {
            assertThat(read.type()).isEqualTo(type);
        }
        assertHandshakeLimitsOnlyNarrow(frame);
    }

    /**
     * Read within {@link FrameLimits#HANDSHAKE}, the first frame of {@code input} is the same frame
     * when the limits accept its type, and a short ProtocolException otherwise: the limits never
     * let through what the wire refuses, nor change what they let through.
     */
    private static void assertHandshakeLimitsOnlyNarrow(byte[] input) throws IOException {
        Frame unrestricted;
        boolean wireRefuses = false;
        try {
            unrestricted = new FrameReader(new ByteArrayInputStream(input)).read();
        } catch (ProtocolException e) {
            unrestricted = null;
            wireRefuses = true;
        }
        Frame restricted;
        try {
            restricted = new FrameReader(new ByteArrayInputStream(input)).read(FrameLimits.HANDSHAKE);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(256);
            assertThat(wireRefuses || !FrameLimits.HANDSHAKE.types().contains(unrestricted.type())).isTrue();
            return;
        }
        assertThat(wireRefuses).isFalse();
        assertThat(restricted).isEqualTo(unrestricted);
        if (restricted != null) {
            assertThat(FrameLimits.HANDSHAKE.types()).contains(restricted.type());
        }
    }

    /**
     * Reads {@code input} to its end or to the first ProtocolException, checking each frame;
     * returns the first frame read, if any.
     */
    private static Frame readAll(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        FrameReader reader = new FrameReader(in);
        Frame first = null;
        while (true) {
            int start = input.length - in.available();
            Frame frame;
            try {
                frame = reader.read();
            } catch (ProtocolException e) {
                // exact and short: it may be shown to the user and sent back in an ERROR frame
                assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(256);
                return first;
            }
            if (frame == null) {
                assertThat(in.available()).isZero();
                return first;
            }
            first = first == null ? frame : first;
            // check now: a FILE_DATA frame is a view that the next read() overwrites
            assertRoundTrip(frame, Arrays.copyOfRange(input, start, input.length - in.available()));
        }
    }

    /** Written and read again, {@code frame} comes back equal; {@code wire} is what it was read from. */
    private static void assertRoundTrip(Frame frame, byte[] wire) throws IOException {
        byte[] encoded = write(frame);
        FrameReader again = new FrameReader(new ByteArrayInputStream(encoded));
        Frame decoded = again.read();
        assertThat(decoded).isEqualTo(frame);
        assertThat(again.read()).isNull();
        if (CANONICAL.contains(frame.type())) {
            assertThat(encoded).isEqualTo(wire);
        } else {
            // JSON may be spelled many ways on the wire, but ours is a fixed point
            assertThat(write(decoded)).isEqualTo(encoded);
        }
    }

    private static byte[] write(Frame frame) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out);
        writer.write(frame);
        writer.flush();
        return out.toByteArray();
    }
}
