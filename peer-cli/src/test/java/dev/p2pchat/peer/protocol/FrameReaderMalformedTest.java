package dev.p2pchat.peer.protocol;

import static dev.p2pchat.peer.protocol.Wire.frame;
import static dev.p2pchat.peer.protocol.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-written bad frames, each with the exact message the reader must give. */
class FrameReaderMalformedTest {

    private static final String HASH = Wire.sha256Of('a');

    // --- header -------------------------------------------------------------------------

    @Test
    void unknownType() {
        assertRejected(hex("7a 00 00 00 00"), "unknown frame type 0x7a");
        assertRejected(hex("00 00 00 00 00"), "unknown frame type 0x00");
        assertRejected(hex("ff 00 00 00 00"), "unknown frame type 0xff");
    }

    @Test
    void unknownTypeFromFrameTypeOf() {
        assertThatThrownBy(() -> FrameType.of(0x03))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("unknown frame type 0x03");
    }

    @Test
    void oversizeLengthIsRejectedAfterTheHeaderWithoutReadingOn() {
        assertRejected(new FiveBytesOnly(hex("13 ff ff ff ff")), "frame length 4294967295 exceeds 1048576");
        assertRejected(new FiveBytesOnly(hex("02 00 1e 84 80")), "frame length 2000000 exceeds 1048576");
        assertRejected(new FiveBytesOnly(hex("13 00 10 00 01")), "frame length 1048577 exceeds 1048576");
    }

    @Test
    void oversizeLengthAllocatesNoPayloadBuffer() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        byte[] bad = hex("13 ff ff ff ff");
        readExpectingFailure(bad); // warm up: load classes once
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        readExpectingFailure(bad);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void perTypeOversizeIsRejectedBeforeReadingThePayload() {
        assertRejected(new FiveBytesOnly(hex("02 00 01 00 01")), "CHAT frame length 65537 exceeds 65536");
        assertRejected(new FiveBytesOnly(hex("02 00 01 11 70")), "CHAT frame length 70000 exceeds 65536");
        assertRejected(new FiveBytesOnly(hex("01 00 00 40 01")), "HELLO frame length 16385 exceeds 16384");
        assertRejected(new FiveBytesOnly(hex("7e 00 01 00 00")), "ERROR frame length 65536 exceeds 16384");
        assertRejected(new FiveBytesOnly(hex("20 00 00 00 09")), "PING frame length 9 exceeds 8");
    }

    @Test
    void truncatedHeader() {
        assertRejected(hex("02"), "truncated frame header");
        assertRejected(hex("02 00 00 00"), "truncated frame header");
    }

    @Test
    void truncatedPayload() {
        assertRejected(hex("02 00 00 00 0a 61 62 63"), "truncated frame: expected 10 payload bytes, got 3");
        assertRejected(hex("13 00 00 00 08"), "truncated frame: expected 8 payload bytes, got 0");
        assertRejected(hex("02 00 00 00 01 61 02 00 00 00 05 61"), 2, "truncated frame: expected 5 payload bytes, got 1");
    }

    @Test
    void cleanEndOfStreamAtAFrameBoundaryIsNull() throws IOException {
        assertThat(new FrameReader(InputStream.nullInputStream()).read()).isNull();

        FrameReader reader = new FrameReader(new ByteArrayInputStream(hex("02 00 00 00 01 61")));
        assertThat(reader.read()).isEqualTo(new Frame.Chat("a"));
        assertThat(reader.read()).isNull();
        assertThat(reader.read()).isNull();
    }

    // --- limits stricter than the wire's (before HELLO) -----------------------------------

    @Test
    void duringTheHandshakeOnlyHelloErrorAndCloseAreReadAndRefusedOnTheirHeader() {
        FrameLimits handshake = FrameLimits.HANDSHAKE;
        assertRejected(new FiveBytesOnly(hex("13 00 10 00 00")), handshake, "FILE_DATA frame not allowed during the handshake");
        assertRejected(new FiveBytesOnly(hex("02 00 01 00 00")), handshake, "CHAT frame not allowed during the handshake");
        assertRejected(new FiveBytesOnly(hex("10 00 00 00 24")), handshake, "FILE_OFFER frame not allowed during the handshake");
        assertRejected(new FiveBytesOnly(hex("20 00 00 00 08")), handshake, "PING frame not allowed during the handshake");
        assertRejected(new FiveBytesOnly(hex("21 00 00 00 08")), handshake, "PONG frame not allowed during the handshake");
    }

    @Test
    void theWireChecksStillComeFirstAndKeepTheirMessages() {
        FrameLimits handshake = FrameLimits.HANDSHAKE;
        assertRejected(new FiveBytesOnly(hex("7a 00 00 00 00")), handshake, "unknown frame type 0x7a");
        assertRejected(new FiveBytesOnly(hex("13 ff ff ff ff")), handshake, "frame length 4294967295 exceeds 1048576");
        assertRejected(new FiveBytesOnly(hex("02 00 01 11 70")), handshake, "CHAT frame length 70000 exceeds 65536");
        assertRejected(new FiveBytesOnly(hex("01 00 00 40 01")), handshake, "HELLO frame length 16385 exceeds 16384");
        assertRejected(hex("01 00 00"), handshake, "truncated frame header");
        assertRejected(hex("01 00 00 00 0a 7b 7d"), handshake, "truncated frame: expected 10 payload bytes, got 2");
        assertRejected(frame(0x01, "{\"version\":1}"), handshake, "bad HELLO payload: missing field 'username'");
    }

    @Test
    void aSmallerMaximumIsCheckedOnTheHeader() {
        FrameLimits small = new FrameLimits("before HELLO", Set.of(FrameType.HELLO), 4096);
        assertRejected(new FiveBytesOnly(hex("01 00 00 10 01")), small, "HELLO frame length 4097 exceeds 4096 before HELLO");
        assertRejected(new FiveBytesOnly(hex("7e 00 00 00 10")), small, "ERROR frame not allowed before HELLO");
    }

    @Test
    void framesWithinTheLimitsReadAsUsual() throws IOException {
        byte[] hello = frame(0x01, "{\"version\":1,\"username\":\"alice\",\"client\":\"x\"}");
        byte[] error = frame(0x7e, "{\"code\":\"too_many_sessions\",\"message\":\"busy\"}");
        byte[] close = frame(0x7f, "{\"reason\":\"bye\"}");
        for (byte[] bytes : new byte[][] {hello, error, close}) {
            assertThat(new FrameReader(new ByteArrayInputStream(bytes)).read(FrameLimits.HANDSHAKE))
                    .isEqualTo(new FrameReader(new ByteArrayInputStream(bytes)).read());
        }
        assertThat(new FrameReader(InputStream.nullInputStream()).read(FrameLimits.HANDSHAKE)).isNull();
    }

    @Test
    void aFileDataHeaderDuringTheHandshakeAllocatesNoPayloadBuffer() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        byte[] megabyte = hex("13 00 10 00 00"); // a valid header on the wire: FILE_DATA of 1 MiB
        readExpectingFailure(megabyte, FrameLimits.HANDSHAKE); // warm up: load classes once
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        readExpectingFailure(megabyte, FrameLimits.HANDSHAKE);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void limitsAreCheckedWhenMade() {
        assertThatThrownBy(() -> new FrameLimits("x", Set.of(), 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameLimits("x", Set.of(FrameType.HELLO), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameLimits("x", Set.of(FrameType.HELLO), Frames.MAX_PAYLOAD + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameReader(InputStream.nullInputStream()).read(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(FrameLimits.HANDSHAKE.types()).containsExactlyInAnyOrder(FrameType.HELLO, FrameType.ERROR,
                FrameType.CLOSE);
        assertThat(FrameLimits.ANY.types()).containsExactlyInAnyOrder(FrameType.values());
    }

    // --- JSON ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{version",
            "{\"version\":1,\"username\":\"alice\",\"client\":\"x\"} x",
            "{\"version\":1,\"username\":\"alice\",\"client\":\"x\"}{}",
            "``",
            "`   `",
            "{\"version\":1,\"version\":1,\"username\":\"alice\",\"client\":\"x\"}",
            "{'version':1}",
            "{\"version\":1,}",
    })
    void badJson(String payload) {
        assertRejected(frame(0x01, payload), "bad HELLO payload: not JSON");
    }

    @Test
    void jsonThatIsNotUtf8() {
        byte[] utf16 = "{\"reason\":\"x\"}".getBytes(StandardCharsets.UTF_16BE);
        assertRejected(frame(0x7f, utf16), "bad CLOSE payload: not JSON");
        assertRejected(frame(0x7f, hex("7b 22 72 65 61 73 6f 6e 22 3a 22 c3 28 22 7d")), "bad CLOSE payload: not JSON");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]", "\"hello\"", "42", "null", "true",
    })
    void jsonThatIsNotAnObject(String payload) {
        assertRejected(frame(0x7f, payload), "bad CLOSE payload: not a JSON object");
    }

    @Test
    void aMalformedLogHeadInHelloIsRefusedWithTheFieldNamed() {
        String hello = "{\"version\":1,\"username\":\"alice\",\"client\":\"x\",\"logHead\":";
        String hash = "\"" + "ab".repeat(32) + "\"";
        assertRejected(frame(0x01, hello + "[]}"), "bad HELLO payload: field 'logHead' must be an object");
        assertRejected(frame(0x01, hello + "{\"size\":1}}"), "bad HELLO payload: missing field 'logKey'");
        assertRejected(frame(0x01, hello + "{\"logKey\":" + hash + ",\"size\":-1,\"rootHash\":" + hash
                + ",\"timestamp\":1,\"signature\":\"AAAA\"}}"), "bad HELLO payload: field 'size' must be between 0 and 9223372036854775807, got -1");
        assertRejected(frame(0x01, hello + "{\"logKey\":\"AB\",\"size\":1,\"rootHash\":" + hash
                + ",\"timestamp\":1,\"signature\":\"AAAA\"}}"), "bad HELLO payload: field 'logHead.logKey' must be 64 lowercase hex characters");
        assertRejected(frame(0x01, hello + "{\"logKey\":" + hash + ",\"size\":1,\"rootHash\":" + hash
                + ",\"timestamp\":1,\"signature\":\"" + "A".repeat(260) + "\"}}"),
                "bad HELLO payload: field 'logHead.signature' must be base64 of at most 256 characters");
    }

    @Test
    void missingFields() {
        assertRejected(frame(0x01, "{\"version\":1,\"client\":\"x\"}"), "bad HELLO payload: missing field 'username'");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"abc\",\"client\":\"x\",\"files\":-1}"),
                "bad HELLO payload: field 'files' must be between 0 and 65536, got -1");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"abc\",\"client\":\"x\",\"files\":65537}"),
                "bad HELLO payload: field 'files' must be between 0 and 65536, got 65537");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"abc\",\"client\":\"x\",\"files\":\"8\"}"),
                "bad HELLO payload: field 'files' must be an integer");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":null,\"client\":\"x\"}"), "bad HELLO payload: missing field 'username'");
        assertRejected(frame(0x01, "{\"username\":\"alice\",\"client\":\"x\"}"), "bad HELLO payload: missing field 'version'");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"alice\"}"), "bad HELLO payload: missing field 'client'");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\"}"), "bad FILE_OFFER payload: missing field 'size'");
        assertRejected(frame(0x11, "{\"offset\":0}"), "bad FILE_ACCEPT payload: missing field 'id'");
        assertRejected(frame(0x12, "{\"id\":1}"), "bad FILE_REJECT payload: missing field 'reason'");
        assertRejected(frame(0x14, "{\"id\":1}"), "bad FILE_END payload: missing field 'sha256'");
        assertRejected(frame(0x15, "{\"id\":1,\"sha256\":\"" + HASH + "\"}"), "bad FILE_RESULT payload: missing field 'ok'");
        assertRejected(frame(0x7e, "{\"message\":\"x\"}"), "bad ERROR payload: missing field 'code'");
        assertRejected(frame(0x7f, "{}"), "bad CLOSE payload: missing field 'reason'");
    }

    @Test
    void wrongJsonTypes() {
        assertRejected(frame(0x01, "{\"version\":\"1\",\"username\":\"alice\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'version' must be an integer");
        assertRejected(frame(0x01, "{\"version\":1.0,\"username\":\"alice\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'version' must be an integer");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":[\"alice\"],\"client\":\"x\"}"),
                "bad HELLO payload: field 'username' must be a string");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":5,\"size\":1}"), "bad FILE_OFFER payload: field 'name' must be a string");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1e3}"), "bad FILE_OFFER payload: field 'size' must be an integer");
        assertRejected(frame(0x10, "{\"id\":true,\"name\":\"a\",\"size\":1}"), "bad FILE_OFFER payload: field 'id' must be an integer");
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":0,\"prefixSha256\":7}"), "bad FILE_ACCEPT payload: field 'prefixSha256' must be a string");
        assertRejected(frame(0x15, "{\"id\":1,\"ok\":\"true\",\"sha256\":\"" + HASH + "\"}"), "bad FILE_RESULT payload: field 'ok' must be a boolean");
        assertRejected(frame(0x7e, "{\"code\":1,\"message\":\"x\"}"), "bad ERROR payload: field 'code' must be a string");
    }

    @Test
    void negativeSizeAndOffset() {
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":-1}"),
                "bad FILE_OFFER payload: field 'size' must be between 0 and 9223372036854775807, got -1");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":9223372036854775808}"),
                "bad FILE_OFFER payload: field 'size' must be between 0 and 9223372036854775807, got 9223372036854775808");
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":-5}"),
                "bad FILE_ACCEPT payload: field 'offset' must be between 0 and 9223372036854775807, got -5");
    }

    @Test
    void idOutOfU32Range() {
        assertRejected(frame(0x14, "{\"id\":4294967296,\"sha256\":\"" + HASH + "\"}"),
                "bad FILE_END payload: field 'id' must be between 0 and 4294967295, got 4294967296");
        assertRejected(frame(0x14, "{\"id\":-1,\"sha256\":\"" + HASH + "\"}"),
                "bad FILE_END payload: field 'id' must be between 0 and 4294967295, got -1");
        assertRejected(frame(0x12, "{\"id\":99999999999999999999999,\"reason\":\"x\"}"),
                "bad FILE_REJECT payload: field 'id' must be between 0 and 4294967295, got 99999999999999999999999");
    }

    @Test
    void hugeNumbersAreNotQuotedInFull() {
        String digits = "1".repeat(200);
        assertRejected(frame(0x12, "{\"id\":" + digits + ",\"reason\":\"x\"}"),
                "bad FILE_REJECT payload: field 'id' must be between 0 and 4294967295, got " + "1".repeat(64) + "...");
    }

    @Test
    void versionOutOfRange() {
        assertRejected(frame(0x01, "{\"version\":0,\"username\":\"alice\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'version' must be between 1 and 2147483647, got 0");
        assertRejected(frame(0x01, "{\"version\":2147483648,\"username\":\"alice\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'version' must be between 1 and 2147483647, got 2147483648");
    }

    @ParameterizedTest
    @CsvSource({
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg",
            "''",
    })
    void badHexSha256(String sha) {
        assertRejected(frame(0x14, "{\"id\":1,\"sha256\":\"" + sha + "\"}"),
                "bad FILE_END payload: field 'sha256' must be 64 lowercase hex characters");
        assertRejected(frame(0x15, "{\"id\":1,\"ok\":true,\"sha256\":\"" + sha + "\"}"),
                "bad FILE_RESULT payload: field 'sha256' must be 64 lowercase hex characters");
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":10,\"prefixSha256\":\"" + sha + "\"}"),
                "bad FILE_ACCEPT payload: field 'prefixSha256' must be 64 lowercase hex characters");
    }

    @Test
    void prefixHashGoesWithAnOffset() {
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":10}"),
                "bad FILE_ACCEPT payload: field 'prefixSha256' is required when 'offset' is over 0");
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":10,\"prefixSha256\":null}"),
                "bad FILE_ACCEPT payload: field 'prefixSha256' is required when 'offset' is over 0");
        assertRejected(frame(0x11, "{\"id\":1,\"offset\":0,\"prefixSha256\":\"" + HASH + "\"}"),
                "bad FILE_ACCEPT payload: field 'prefixSha256' must be absent when 'offset' is 0");
    }

    @Test
    void badStrings() {
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"al\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'username' must be 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"al\\u001bce\",\"client\":\"x\"}"),
                "bad HELLO payload: field 'username' must be 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit");
        assertRejected(frame(0x01, "{\"version\":1,\"username\":\"alice\",\"client\":\"" + "c".repeat(129) + "\"}"),
                "bad HELLO payload: field 'client' is longer than 128 characters");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"\",\"size\":1}"), "bad FILE_OFFER payload: field 'name' must not be empty");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1,\"path\":\"\"}"),
                "bad FILE_OFFER payload: field 'path' must not be empty");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1,\"path\":7}"),
                "bad FILE_OFFER payload: field 'path' must be a string");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1,\"path\":\"" + "d/".repeat(513) + "\"}"),
                "bad FILE_OFFER payload: field 'path' is longer than 1024 characters");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1,\"folder\":\"yes\"}"),
                "bad FILE_OFFER payload: field 'folder' must be a boolean");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"a\",\"size\":1,\"folder\":true}"),
                "bad FILE_OFFER payload: a folder is offered with size 0, not 1");
        assertRejected(frame(0x10, "{\"id\":1,\"name\":\"" + "😀".repeat(1025) + "\",\"size\":1}"),
                "bad FILE_OFFER payload: field 'name' is longer than 1024 characters");
        assertRejected(frame(0x12, "{\"id\":1,\"reason\":\"\\ud800\"}"),
                "bad FILE_REJECT payload: field 'reason' is not valid Unicode (unpaired surrogate)");
        assertRejected(frame(0x7e, "{\"code\":\"timeout\",\"message\":\"" + "m".repeat(1025) + "\"}"),
                "bad ERROR payload: field 'message' is longer than 1024 characters");
    }

    @Test
    void unknownJsonFieldsAreIgnored() throws IOException {
        Frame read = Wire.readOne(frame(0x01,
                "{\"client\":\"x\",\"future\":{\"nested\":[1,2]},\"username\":\"alice\",\"version\":2,\"extra\":null}"));

        assertThat(read).isEqualTo(new Frame.Hello(2, "alice", "x"));
    }

    @Test
    void unknownErrorCodeStillDecodes() throws IOException {
        Frame read = Wire.readOne(frame(0x7e, "{\"code\":\"rate_limited\",\"message\":\"slow down\",\"retryAfter\":5}"));

        assertThat(read).isEqualTo(new Frame.Error(ErrorCode.UNKNOWN, "slow down"));
    }

    // --- binary payloads ----------------------------------------------------------------

    @Test
    void invalidUtf8Chat() {
        assertRejected(hex("02 00 00 00 02 c3 28"), "CHAT text is not valid UTF-8");
        assertRejected(hex("02 00 00 00 02 c0 af"), "CHAT text is not valid UTF-8"); // overlong '/'
        assertRejected(hex("02 00 00 00 03 ed a0 80"), "CHAT text is not valid UTF-8"); // encoded surrogate
        assertRejected(hex("02 00 00 00 04 f4 90 80 80"), "CHAT text is not valid UTF-8"); // above U+10FFFF
        assertRejected(hex("02 00 00 00 02 f0 9f"), "CHAT text is not valid UTF-8"); // cut emoji
        assertRejected(hex("02 00 00 00 01 ff"), "CHAT text is not valid UTF-8");
    }

    @Test
    void emptyChat() {
        assertRejected(hex("02 00 00 00 00"), "empty CHAT");
    }

    @Test
    void pingAndPongMustBeEightBytes() {
        assertRejected(hex("20 00 00 00 07 01 02 03 04 05 06 07"), "PING payload must be 8 bytes, got 7");
        assertRejected(hex("20 00 00 00 00"), "PING payload must be 8 bytes, got 0");
        assertRejected(hex("21 00 00 00 03 01 02 03"), "PONG payload must be 8 bytes, got 3");
    }

    @Test
    void fileDataShorterThanItsId() {
        assertRejected(hex("13 00 00 00 03 00 00 01"), "FILE_DATA frame shorter than its 4-byte id");
        assertRejected(hex("13 00 00 00 00"), "FILE_DATA frame shorter than its 4-byte id");
    }

    // --- helpers ------------------------------------------------------------------------

    private static void assertRejected(byte[] bytes, String message) {
        assertRejected(new ByteArrayInputStream(bytes), 1, message);
    }

    private static void assertRejected(byte[] bytes, int frameNumber, String message) {
        assertRejected(new ByteArrayInputStream(bytes), frameNumber, message);
    }

    private static void assertRejected(InputStream in, String message) {
        assertRejected(in, 1, message);
    }

    private static void assertRejected(byte[] bytes, FrameLimits limits, String message) {
        assertRejected(new ByteArrayInputStream(bytes), limits, message);
    }

    /** The first frame, read within {@code limits}, must fail with {@code message}. */
    private static void assertRejected(InputStream in, FrameLimits limits, String message) {
        FrameReader reader = new FrameReader(in);
        assertThatThrownBy(() -> reader.read(limits)).isInstanceOf(ProtocolException.class).hasMessage(message);
    }

    /** Frames before {@code frameNumber} must read fine; that one must fail with {@code message}. */
    private static void assertRejected(InputStream in, int frameNumber, String message) {
        FrameReader reader = new FrameReader(in);
        assertThatThrownBy(() -> {
            for (int i = 1; i < frameNumber; i++) {
                assertThat(reader.read()).isNotNull();
            }
            reader.read();
        }).isInstanceOf(ProtocolException.class).hasMessage(message);
    }

    private static void readExpectingFailure(byte[] bytes) {
        readExpectingFailure(bytes, FrameLimits.ANY);
    }

    private static void readExpectingFailure(byte[] bytes, FrameLimits limits) {
        try {
            new FrameReader(new FiveBytesOnly(bytes)).read(limits);
            fail("expected a ProtocolException");
        } catch (IOException expected) {
            // fine
        }
    }

    /** A stream that fails the test if the reader asks for more than the 5 header bytes. */
    private static final class FiveBytesOnly extends InputStream {
        private final byte[] bytes;
        private int requested;
        private int pos;

        FiveBytesOnly(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return read(new byte[1], 0, 1);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            requested += len;
            if (requested > Frames.HEADER_BYTES) {
                throw new AssertionError("reader asked for " + requested + " bytes, more than the header");
            }
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
