package dev.p2pchat.peer.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.protocol.Frame.Chat;
import dev.p2pchat.peer.protocol.Frame.FileAccept;
import dev.p2pchat.peer.protocol.Frame.FileData;
import dev.p2pchat.peer.protocol.Frame.FileOffer;
import dev.p2pchat.peer.protocol.Frame.Hello;
import dev.p2pchat.peer.protocol.Frame.Ping;
import org.junit.jupiter.api.Test;

/** Misuse of the records by our own code is an IllegalArgumentException. */
class FrameRecordsTest {

    @Test
    void idsAreU32() {
        assertThat(new FileOffer(0, "a", 0).id()).isZero();
        assertThat(new FileOffer(4294967295L, "a", 0).id()).isEqualTo(4294967295L);
        assertThatThrownBy(() -> new FileOffer(4294967296L, "a", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'id' must be between 0 and 4294967295, got 4294967296");
        assertThatThrownBy(() -> new FileData(-1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'id' must be between 0 and 4294967295, got -1");
    }

    @Test
    void sizesAndOffsetsAreNonNegativeLongs() {
        assertThat(new FileOffer(1, "a", 5_000_000_000L).size()).isEqualTo(5_000_000_000L);
        assertThatThrownBy(() -> new FileOffer(1, "a", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'size' must be between 0 and 9223372036854775807, got -1");
        assertThatThrownBy(() -> new FileAccept(1, -1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'offset' must be between 0 and 9223372036854775807, got -1");
    }

    @Test
    void chatText() {
        assertThatThrownBy(() -> new Chat("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text must not be empty");
        assertThatThrownBy(() -> new Chat(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text must not be null");
        assertThatThrownBy(() -> new Chat("a".repeat(65537))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text is 65537 bytes in UTF-8, over 65536");
        assertThatThrownBy(() -> new Chat("é".repeat(32769))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text is 65538 bytes in UTF-8, over 65536");
        assertThatThrownBy(() -> new Chat("a\ud83d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text is not valid Unicode (unpaired surrogate)");
        assertThatThrownBy(() -> new Chat("\ude00a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat text is not valid Unicode (unpaired surrogate)");
        assertThat(new Chat("a".repeat(65536)).text()).hasSize(65536);
    }

    @Test
    void helloFields() {
        assertThat(Hello.of("alice", "x").version()).isEqualTo(Frames.PROTOCOL_VERSION);
        assertThatThrownBy(() -> new Hello(0, "alice", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'version' must be between 1 and 2147483647, got 0");
        assertThatThrownBy(() -> Hello.of("_alice", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("field 'username' must be 3 to 32 characters");
        assertThatThrownBy(() -> Hello.of("a".repeat(33), "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hello.of("alice", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'client' must not be null");
    }

    @Test
    void fileAcceptPrefix() {
        assertThat(FileAccept.fromStart(3)).isEqualTo(new FileAccept(3, 0, null));
        assertThatThrownBy(() -> new FileAccept(1, 5, "ABC")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'prefixSha256' must be 64 lowercase hex characters");
    }

    @Test
    void fileDataView() {
        byte[] buffer = new byte[10];
        assertThatThrownBy(() -> new FileData(1, buffer, 5, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FILE_DATA view offset 5 length 6 is out of bounds for a buffer of 10 bytes");
        assertThatThrownBy(() -> new FileData(1, buffer, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileData(1, buffer, 1, Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileData(1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FILE_DATA buffer must not be null");
        assertThatThrownBy(() -> new FileData(1, new byte[Frames.MAX_PAYLOAD])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FILE_DATA chunk of 1048576 bytes exceeds 1048572");

        FileData view = new FileData(1, new byte[] {0, 7, 8, 0}, 1, 2);
        assertThat(view).isEqualTo(new FileData(1, new byte[] {7, 8}));
        assertThat(view).hasSameHashCodeAs(new FileData(1, new byte[] {7, 8}));
        assertThat(view).isNotEqualTo(new FileData(2, new byte[] {7, 8}));
        assertThat(view.toString()).isEqualTo("FileData[id=1, length=2]");
    }

    @Test
    void pingIsEightBytesAndDefensivelyCopied() {
        assertThatThrownBy(() -> new Ping(new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PING payload must be 8 bytes, got 3");
        byte[] bytes = new byte[8];
        Ping ping = new Ping(bytes);
        bytes[0] = 1;
        ping.payload()[1] = 1;
        assertThat(ping.payload()).containsOnly(0);
        assertThat(ping.toString()).isEqualTo("Ping[0000000000000000]");
    }

    @Test
    void errorCodesHaveWireStringsAndAFallback() {
        assertThat(ErrorCode.PROTOCOL_ERROR.wire()).isEqualTo("protocol_error");
        assertThat(ErrorCode.UNSUPPORTED_VERSION.wire()).isEqualTo("unsupported_version");
        assertThat(ErrorCode.IDENTITY_MISMATCH.wire()).isEqualTo("identity_mismatch");
        assertThat(ErrorCode.UNKNOWN_USER.wire()).isEqualTo("unknown_user");
        assertThat(ErrorCode.TOO_MANY_SESSIONS.wire()).isEqualTo("too_many_sessions");
        assertThat(ErrorCode.TIMEOUT.wire()).isEqualTo("timeout");
        assertThat(ErrorCode.INTERNAL.wire()).isEqualTo("internal");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ErrorCode.fromWire(code.wire())).isSameAs(code);
        }
        assertThat(ErrorCode.fromWire("PROTOCOL_ERROR")).isSameAs(ErrorCode.UNKNOWN);
        assertThat(ErrorCode.fromWire("")).isSameAs(ErrorCode.UNKNOWN);
        assertThat(ErrorCode.fromWire(null)).isSameAs(ErrorCode.UNKNOWN);
    }

    @Test
    void frameTypesMapToTheirWireBytes() throws ProtocolException {
        assertThat(FrameType.values()).extracting(FrameType::code)
                .containsExactly(0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20, 0x21, 0x7E, 0x7F);
        for (FrameType type : FrameType.values()) {
            assertThat(FrameType.of(type.code())).isSameAs(type);
        }
        assertThat(FrameType.CHAT.maxPayload()).isEqualTo(65536);
        assertThat(FrameType.FILE_DATA.maxPayload()).isEqualTo(1 << 20);
        assertThat(FrameType.PING.maxPayload()).isEqualTo(8);
        assertThat(FrameType.HELLO.maxPayload()).isEqualTo(16384);
    }
}
