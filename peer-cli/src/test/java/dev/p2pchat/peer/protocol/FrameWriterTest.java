package dev.p2pchat.peer.protocol;

import static dev.p2pchat.peer.protocol.Wire.hex;
import static dev.p2pchat.peer.protocol.Wire.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameWriterTest {

    private static final String HASH = Wire.sha256Of('a');

    /** The worked example in docs/PROTOCOL.md: keep the two in step. */
    @Test
    void helloAndChatBytesMatchTheWorkedExample() {
        assertThat(Wire.toHex(write(Frame.Hello.of("alice", "p2pchat/0.1.0")))).isEqualTo(
                "01 00 00 00 39 7b 22 76 65 72 73 69 6f 6e 22 3a 31 2c 22 75 73 65 72 6e 61 6d 65 22 3a 22 61 6c 69 63 "
                        + "65 22 2c 22 63 6c 69 65 6e 74 22 3a 22 70 32 70 63 68 61 74 2f 30 2e 31 2e 30 22 7d");
        assertThat(Wire.toHex(write(Frame.Hello.of("bob", "p2pchat/0.1.0")))).isEqualTo(
                "01 00 00 00 37 7b 22 76 65 72 73 69 6f 6e 22 3a 31 2c 22 75 73 65 72 6e 61 6d 65 22 3a 22 62 6f 62 22 "
                        + "2c 22 63 6c 69 65 6e 74 22 3a 22 70 32 70 63 68 61 74 2f 30 2e 31 2e 30 22 7d");
        assertThat(Wire.toHex(write(new Frame.Chat("hi 👋")))).isEqualTo("02 00 00 00 07 68 69 20 f0 9f 91 8b");
        assertThat(write(new Frame.FileOffer(1, "notes.txt", 5)))
                .isEqualTo(Wire.frame(0x10, "{\"id\":1,\"name\":\"notes.txt\",\"size\":5}"))
                .startsWith(hex("10 00 00 00 24"));
        assertThat(write(Frame.FileAccept.fromStart(1))).isEqualTo(Wire.frame(0x11, "{\"id\":1,\"offset\":0}"))
                .startsWith(hex("11 00 00 00 13"));
        assertThat(Wire.toHex(write(new Frame.FileData(1, "hello".getBytes(StandardCharsets.US_ASCII)))))
                .isEqualTo("13 00 00 00 09 00 00 00 01 68 65 6c 6c 6f");
        String helloSha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        assertThat(write(new Frame.FileEnd(1, helloSha)))
                .isEqualTo(Wire.frame(0x14, "{\"id\":1,\"sha256\":\"" + helloSha + "\"}"))
                .startsWith(hex("14 00 00 00 54"));
        assertThat(write(new Frame.FileResult(1, true, helloSha)))
                .isEqualTo(Wire.frame(0x15, "{\"id\":1,\"ok\":true,\"sha256\":\"" + helloSha + "\"}"))
                .startsWith(hex("15 00 00 00 5e"));
        assertThat(Wire.toHex(write(Frame.Ping.of(1)))).isEqualTo("20 00 00 00 08 00 00 00 00 00 00 00 01");
        assertThat(Wire.toHex(write(Frame.Ping.of(1).reply()))).isEqualTo("21 00 00 00 08 00 00 00 00 00 00 00 01");
        assertThat(Wire.toHex(write(new Frame.Close("bye"))))
                .isEqualTo("7f 00 00 00 10 7b 22 72 65 61 73 6f 6e 22 3a 22 62 79 65 22 7d");
        assertThat(write(new Frame.Error(ErrorCode.UNSUPPORTED_VERSION, "version 2 not supported")))
                .isEqualTo(Wire.frame(0x7e, "{\"code\":\"unsupported_version\",\"message\":\"version 2 not supported\"}"))
                .startsWith(hex("7e 00 00 00 42"));
    }

    @Test
    void jsonPayloadsAreCompactWithExactFieldNames() {
        assertThat(payload(Frame.Hello.of("alice", "p2pchat/0.1.0")))
                .isEqualTo("{\"version\":1,\"username\":\"alice\",\"client\":\"p2pchat/0.1.0\"}");
        assertThat(payload(new Frame.FileOffer(4294967295L, "a b.txt", 5_000_000_000L)))
                .isEqualTo("{\"id\":4294967295,\"name\":\"a b.txt\",\"size\":5000000000}");
        assertThat(payload(Frame.FileAccept.fromStart(1))).isEqualTo("{\"id\":1,\"offset\":0}");
        assertThat(payload(new Frame.FileAccept(1, 10, HASH)))
                .isEqualTo("{\"id\":1,\"offset\":10,\"prefixSha256\":\"" + HASH + "\"}");
        assertThat(payload(new Frame.FileReject(2, "prefix mismatch"))).isEqualTo("{\"id\":2,\"reason\":\"prefix mismatch\"}");
        assertThat(payload(new Frame.FileEnd(3, HASH))).isEqualTo("{\"id\":3,\"sha256\":\"" + HASH + "\"}");
        assertThat(payload(new Frame.FileResult(3, false, HASH))).isEqualTo("{\"id\":3,\"ok\":false,\"sha256\":\"" + HASH + "\"}");
        assertThat(payload(new Frame.Error(ErrorCode.IDENTITY_MISMATCH, "key changed")))
                .isEqualTo("{\"code\":\"identity_mismatch\",\"message\":\"key changed\"}");
        assertThat(payload(new Frame.Close("bye"))).isEqualTo("{\"reason\":\"bye\"}");
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(payload(new Frame.Close("a\"b\\c\nd\u0001é")))
                .isEqualTo("{\"reason\":\"a\\\"b\\\\c\\nd\\u0001é\"}");
    }

    @Test
    void fileDataIsWrittenStraightFromItsBuffer() throws IOException {
        byte[] buffer = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<byte[]> arraysWritten = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream spy = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("single-byte write");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                arraysWritten.add(b);
                bytes.write(b, off, len);
            }
        };

        new FrameWriter(spy).write(new Frame.FileData(0xA1B2C3D4L, buffer, 2, 5));

        assertThat(bytes.toByteArray()).isEqualTo(hex("13 00 00 00 09 a1 b2 c3 d4 02 03 04 05 06"));
        assertThat(arraysWritten).hasSize(2);
        assertThat(arraysWritten.get(1)).isSameAs(buffer);
    }

    @Test
    void writeDoesNotFlushButWriteAndFlushDoes() throws IOException {
        int[] flushes = {0};
        OutputStream counting = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        FrameWriter writer = new FrameWriter(counting);

        writer.write(new Frame.Chat("a"));
        writer.write(new Frame.FileData(1, new byte[100]));
        assertThat(flushes[0]).isZero();

        writer.writeAndFlush(new Frame.Chat("b"));
        assertThat(flushes[0]).isEqualTo(1);
        writer.flush();
        assertThat(flushes[0]).isEqualTo(2);
    }

    @Test
    void nullFrameIsMisuse() {
        assertThatThrownBy(() -> new FrameWriter(OutputStream.nullOutputStream()).write(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largestJsonFramesStayUnderTheirLimit() {
        // the worst case for a bounded string: 1024 astral characters, 4 bytes each in UTF-8
        byte[] bytes = write(new Frame.FileOffer(Frames.MAX_ID, "😀".repeat(Frames.MAX_FILE_NAME_CHARS), Long.MAX_VALUE));
        assertThat(bytes.length - Frames.HEADER_BYTES).isLessThanOrEqualTo(Frames.MAX_JSON_PAYLOAD);
        // a file of a folder: name and path of 1024 control characters each, escaped as \\u00XX
        bytes = write(new Frame.FileOffer(Frames.MAX_ID, "\u0001".repeat(Frames.MAX_FILE_NAME_CHARS), Long.MAX_VALUE,
                "\u0001".repeat(Frames.MAX_FILE_PATH_CHARS), false));
        assertThat(bytes.length - Frames.HEADER_BYTES).isLessThanOrEqualTo(Frames.MAX_JSON_PAYLOAD);
        // ... and 1024 control characters, escaped as \\u00XX (6 bytes each)
        bytes = write(new Frame.Error(ErrorCode.INTERNAL, "\u0001".repeat(Frames.MAX_TEXT_CHARS)));
        assertThat(bytes.length - Frames.HEADER_BYTES).isLessThanOrEqualTo(Frames.MAX_JSON_PAYLOAD);
    }

    private static String payload(Frame frame) {
        byte[] bytes = write(frame);
        return new String(bytes, Frames.HEADER_BYTES, bytes.length - Frames.HEADER_BYTES, StandardCharsets.UTF_8);
    }
}
