package dev.p2pchat.directory.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every frame from a peer is hostile: only well-formed messages of a known type, every member in range. */
class SignalTest {

    private static final String HEAD = "\"to\":\"bob\",\"attempt\":\"AAAAAAAAAAAAAAAAAAAAAA\"";

    private static Signal parse(String json) throws Signal.InvalidSignalException {
        return Signal.parse(json);
    }

    @Test
    void eachTypeParsesWithItsMembers() throws Exception {
        Signal connect = parse("{\"type\":\"connect\"," + HEAD
                + ",\"addresses\":[{\"host\":\"2001:DB8:0:0:0:0:0:1\",\"port\":7000,\"kind\":\"observed\"}]}");
        assertThat(connect.addresses()).containsExactly(new Signal.Address("2001:db8::1", 7000, "observed"));
        assertThat(parse("{\"type\":\"refuse\"," + HEAD + ",\"reason\":\"busy ☕\"}").reason()).isEqualTo("busy ☕");
        assertThat(parse("{\"type\":\"ping\"," + HEAD + ",\"n\":2147483647}").n()).isEqualTo(Integer.MAX_VALUE);
        assertThat(parse("{\"type\":\"sync\"," + HEAD + ",\"n\":3}").n()).isEqualTo(3);
        assertThat(parse("{\"type\":\"done\"," + HEAD + ",\"path\":\"punched\"}").path()).isEqualTo("punched");
        assertThat(parse("{\"type\":\"relay\"," + HEAD + "}").type()).isEqualTo(Signal.Type.RELAY);
    }

    @Test
    void theForwardedFormHasTheServersFromAndOnlyTheTypesMembers() throws Exception {
        Signal ping = parse("{\"type\":\"ping\"," + HEAD + ",\"n\":1,\"from\":\"mallory\",\"path\":\"direct\",\"x\":[1]}");

        assertThat(ping.forwarded("alice", "198.51.100.7")).isEqualTo(Map.of("type", "ping", "from", "alice",
                "attempt", "AAAAAAAAAAAAAAAAAAAAAA", "n", 1));
    }

    @Test
    void aForwardedConnectOrAcceptSaysWhereTheServerSawTheSender() throws Exception {
        Signal connect = parse("{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"203.0.113.5\","
                + "\"port\":40122,\"kind\":\"observed\"}],\"seen\":\"192.0.2.66\"}");

        assertThat(connect.forwarded("alice", "198.51.100.7")).containsEntry("seen", "198.51.100.7")
                .containsEntry("from", "alice");
        assertThat(connect.forwarded("alice", null)).doesNotContainKey("seen");
    }

    @Test
    void framesThatAreNotMessagesAreInvalid() {
        String[] frames = {
            "", "not json", "[]", "null", "42", "\"connect\"", "{}", "{\"type\":1}", "{\"type\":\"welcome\"," + HEAD + "}",
            "{\"type\":\"relay-offer\"," + HEAD + "}", "{\"type\":\"error\"," + HEAD + "}", "{\"type\":\"CONNECT\"," + HEAD + "}",
            "{\"type\":\"relay\",\"to\":\"bob\",\"to\":\"carol\",\"attempt\":\"AAAAAAAAAAAAAAAAAAAAAA\"}", // duplicate member
            "{\"type\":\"relay\",\"to\":\"-bob\",\"attempt\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
            "{\"type\":\"relay\",\"to\":\"bob\",\"attempt\":\"AAAA\"}",
            "{\"type\":\"relay\",\"to\":\"bob\",\"attempt\":\"AAAAAAAAAAAAAAAAAAAAA=\"}",
            "{\"type\":\"relay\",\"to\":[\"bob\"],\"attempt\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
            "{\"type\":\"connect\"," + HEAD + "}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":{}}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"example.org\",\"port\":1,\"kind\":\"local\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"[::1]\",\"port\":1,\"kind\":\"local\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"fe80::1%eth0\",\"port\":1,\"kind\":\"local\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"1.2.3.4\",\"port\":0,\"kind\":\"local\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"1.2.3.4\",\"port\":\"80\",\"kind\":\"local\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[{\"host\":\"1.2.3.4\",\"port\":80,\"kind\":\"relay\"}]}",
            "{\"type\":\"connect\"," + HEAD + ",\"addresses\":[" + "{\"host\":\"1.2.3.4\",\"port\":80,\"kind\":\"local\"},".repeat(8)
                    + "{\"host\":\"1.2.3.4\",\"port\":80,\"kind\":\"local\"}]}",
            "{\"type\":\"refuse\"," + HEAD + ",\"reason\":\"" + "r".repeat(201) + "\"}",
            "{\"type\":\"refuse\"," + HEAD + ",\"reason\":\"line\\nbreak\"}",
            "{\"type\":\"refuse\"," + HEAD + ",\"reason\":\"\\ud800\"}",
            "{\"type\":\"ping\"," + HEAD + ",\"n\":-1}", "{\"type\":\"ping\"," + HEAD + ",\"n\":2147483648}",
            "{\"type\":\"ping\"," + HEAD + ",\"n\":1.5}", "{\"type\":\"ping\"," + HEAD + ",\"n\":\"1\"}",
            "{\"type\":\"sync\"," + HEAD + ",\"n\":4}", "{\"type\":\"sync\"," + HEAD + ",\"n\":0}",
            "{\"type\":\"done\"," + HEAD + ",\"path\":\"teleported\"}",
            "{\"type\":\"ping\"," + HEAD + ",\"n\":1,\"pad\":\"" + "x".repeat(4100) + "\"}",
            "[".repeat(3000),
        };
        for (String frame : frames) {
            assertThatThrownBy(() -> parse(frame)).as(frame.length() > 120 ? frame.substring(0, 120) : frame)
                    .isInstanceOf(Signal.InvalidSignalException.class);
        }
    }

    @Test
    void theSizeLimitIsInUtf8Bytes() {
        String pad = "é".repeat(2030); // 4060 bytes in UTF-8, 2030 characters
        assertThatThrownBy(() -> parse("{\"type\":\"ping\"," + HEAD + ",\"n\":1,\"pad\":\"" + pad + "\"}"))
                .hasMessageContaining("4096");
    }
}
