package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HostPortAndSizesTest {

    @Test
    void addressesParseWithIpv6Brackets() {
        assertThat(HostPort.parse("127.0.0.1:7000")).isEqualTo(new HostPort("127.0.0.1", 7000));
        assertThat(HostPort.parse("[::1]:7000")).isEqualTo(new HostPort("::1", 7000));
        assertThat(HostPort.parse("bob.example:1")).isEqualTo(new HostPort("bob.example", 1));
        for (String bad : new String[] {"", "host", ":7000", "host:0", "host:65536", "host:x", "::1:7000", "[::1]7000"}) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(CliException.class)
                    .hasMessageContaining("expected HOST:PORT");
        }
    }

    @Test
    void sizesTakeBinarySuffixes() {
        SizeConverter sizes = new SizeConverter();
        assertThat(sizes.convert("1048576")).isEqualTo(1L << 20);
        assertThat(sizes.convert("500M")).isEqualTo(500L << 20);
        assertThat(sizes.convert("4g")).isEqualTo(4L << 30);
        assertThat(sizes.convert("2TiB")).isEqualTo(2L << 40);
        assertThat(sizes.convert("unlimited")).isEqualTo(Long.MAX_VALUE);
        for (String bad : new String[] {"", "-1", "lots", "1X", "99999999999T"}) {
            assertThatThrownBy(() -> sizes.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void printedTextCannotCarryTerminalEscapes() {
        assertThat(Text.printable("hi\u001b[2J\u0007there\tyou\u202e")).isEqualTo("hi?[2J?there you?");
        assertThat(Text.printable("x".repeat(300), 10)).hasSize(10);
    }
}
