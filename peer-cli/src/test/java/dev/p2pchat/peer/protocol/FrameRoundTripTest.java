package dev.p2pchat.peer.protocol;

import static dev.p2pchat.peer.protocol.Wire.readOne;
import static dev.p2pchat.peer.protocol.Wire.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame.Chat;
import dev.p2pchat.peer.protocol.Frame.Close;
import dev.p2pchat.peer.protocol.Frame.FileAccept;
import dev.p2pchat.peer.protocol.Frame.FileData;
import dev.p2pchat.peer.protocol.Frame.FileEnd;
import dev.p2pchat.peer.protocol.Frame.FileOffer;
import dev.p2pchat.peer.protocol.Frame.FileReject;
import dev.p2pchat.peer.protocol.Frame.FileResult;
import dev.p2pchat.peer.protocol.Frame.Hello;
import dev.p2pchat.peer.protocol.Frame.Ping;
import dev.p2pchat.peer.protocol.Frame.Pong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameRoundTripTest {

    private static final String HASH_A = Wire.sha256Of('a');
    private static final String HASH_0 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    static Stream<Frame> frames() {
        return Stream.of(
                Hello.of("alice", "p2pchat/0.1.0"),
                new Hello(1, "Bob.the_2nd-x", ""),
                new Hello(1, "carol", "p2pchat-java/1", 32),
                new Hello(1, "carol", "x", Frames.MAX_FILES_AT_ONCE),
                new Hello(7, "abc", "c".repeat(Frames.MAX_CLIENT_CHARS)),
                new Hello(Integer.MAX_VALUE, "z".repeat(32), "x"),
                Hello.of("alice", "p2pchat-java/1", new Frame.LogHead(HASH_A, 5, HASH_0, 1_764_000_000_000L,
                        "A".repeat(86) + "==")),
                new Hello(1, "bob", "x", new Frame.LogHead(HASH_0, 0, HASH_A, 0, "AAAA")),
                new Chat("hi"),
                new Chat("x"),
                new Chat("héllo wörld 😀👍🏽 日本語 \u0000 tab\tnewline\n"),
                new Chat("a".repeat(Frames.MAX_CHAT_BYTES)),
                new Chat("😀".repeat(Frames.MAX_CHAT_BYTES / 4)),
                new FileOffer(0, "report.pdf", 0),
                new FileOffer(Frames.MAX_ID, "big.iso", 5_000_000_000L),
                new FileOffer(42, "名前 with \"quotes\" and \\ and / and 😀", Long.MAX_VALUE),
                new FileOffer(1, "n".repeat(Frames.MAX_FILE_NAME_CHARS), 1),
                new FileOffer(3, "b.txt", 7, "photos/2024/été", false),
                new FileOffer(5, "empty", 0, "photos", true),
                new FileOffer(7, "top", 0, null, true),
                FileAccept.fromStart(0),
                new FileAccept(Frames.MAX_ID, 5_000_000_000L, HASH_0),
                new FileAccept(3, 1, HASH_A),
                new FileReject(0, ""),
                new FileReject(Frames.MAX_ID, "prefix mismatch"),
                new FileReject(9, "r".repeat(Frames.MAX_TEXT_CHARS)),
                new FileData(0, new byte[0]),
                new FileData(Frames.MAX_ID, new byte[] {1, 2, 3}),
                new FileData(77, random(Frames.MAX_FILE_CHUNK, 1)),
                new FileData(5, random(100, 2), 10, 50),
                new FileEnd(0, HASH_0),
                new FileEnd(Frames.MAX_ID, HASH_A),
                new FileResult(0, true, HASH_0),
                new FileResult(Frames.MAX_ID, false, HASH_A),
                new Ping(new byte[8]),
                Ping.of(0x0102030405060708L),
                new Pong(new byte[] {-1, -2, -3, -4, -5, -6, -7, -8}),
                new Frame.Error(ErrorCode.PROTOCOL_ERROR, "unknown frame type 0x7a"),
                new Frame.Error(ErrorCode.UNSUPPORTED_VERSION, ""),
                new Frame.Error(ErrorCode.IDENTITY_MISMATCH, "m".repeat(Frames.MAX_TEXT_CHARS)),
                new Frame.Error(ErrorCode.UNKNOWN_USER, "x"),
                new Frame.Error(ErrorCode.TOO_MANY_SESSIONS, "x"),
                new Frame.Error(ErrorCode.TIMEOUT, "x"),
                new Frame.Error(ErrorCode.INTERNAL, "x"),
                new Close(""),
                new Close("bye 👋"));
    }

    @ParameterizedTest
    @MethodSource("frames")
    void roundTripsThroughWriterAndReader(Frame frame) throws IOException {
        byte[] bytes = write(frame);

        Frame read = readOne(bytes);

        // records with byte[] compare contents (their equals is overridden to do so)
        assertThat(read).isEqualTo(frame);
        assertThat(read.type()).isEqualTo(frame.type());
        assertThat(bytes[0] & 0xff).isEqualTo(frame.type().code());
        int declared = (bytes[1] & 0xff) << 24 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 8 | (bytes[4] & 0xff);
        assertThat(declared).isEqualTo(bytes.length - Frames.HEADER_BYTES).isLessThanOrEqualTo(frame.type().maxPayload());
    }

    @Test
    void everyFrameTypeIsCovered() {
        Set<FrameType> covered = EnumSet.noneOf(FrameType.class);
        frames().forEach(f -> covered.add(f.type()));
        assertThat(covered).containsExactlyInAnyOrder(FrameType.values());
    }

    @Test
    void fileDataContentsSurviveByteForByte() throws IOException {
        byte[] data = random(Frames.MAX_FILE_CHUNK, 3);

        FileData read = (FileData) readOne(write(new FileData(Frames.MAX_ID, data)));

        assertThat(read.id()).isEqualTo(Frames.MAX_ID);
        assertThat(read.length()).isEqualTo(Frames.MAX_FILE_CHUNK);
        assertThat(Arrays.equals(read.buffer(), read.offset(), read.offset() + read.length(), data, 0, data.length)).isTrue();
        assertThat(read.toByteArray()).isEqualTo(data);
    }

    @Test
    void emptyFileDataIsFourBytesOfId() throws IOException {
        byte[] bytes = write(new FileData(0x01020304L, new byte[0]));

        assertThat(bytes).isEqualTo(Wire.hex("13 00 00 00 04 01 02 03 04"));
        FileData read = (FileData) readOne(bytes);
        assertThat(read.id()).isEqualTo(0x01020304L);
        assertThat(read.length()).isZero();
    }

    @Test
    void maxSizeChatIsExactly65536Bytes() throws IOException {
        String text = "é".repeat(Frames.MAX_CHAT_BYTES / 2);
        byte[] bytes = write(new Chat(text));

        assertThat(bytes).hasSize(Frames.HEADER_BYTES + Frames.MAX_CHAT_BYTES);
        assertThat(((Chat) readOne(bytes)).text()).isEqualTo(text);
    }

    @Test
    void emojiChatIsSentAsUtf8() throws IOException {
        byte[] bytes = write(new Chat("😀"));

        assertThat(bytes).isEqualTo(Wire.hex("02 00 00 00 04 f0 9f 98 80"));
        assertThat(new String(bytes, 5, 4, StandardCharsets.UTF_8)).isEqualTo("😀");
    }

    @Test
    void pingReplyEchoesTheBytes() throws IOException {
        Ping ping = Ping.of(0xCAFEBABEL);

        Pong pong = (Pong) readOne(write(ping.reply()));

        assertThat(pong.payload()).isEqualTo(ping.payload()).isEqualTo(Wire.hex("00 00 00 00 ca fe ba be"));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
