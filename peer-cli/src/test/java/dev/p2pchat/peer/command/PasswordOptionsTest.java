package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordOptionsTest {

    private static char[] first(String input) throws Exception {
        return PasswordOptions.firstLine(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "stdin");
    }

    @Test
    void takesTheFirstLineWithoutItsLineEnd() throws Exception {
        assertThat(first("pässwörd ✓\nnext line\n")).containsExactly("pässwörd ✓".toCharArray());
        assertThat(first("windows\r\n")).containsExactly("windows".toCharArray());
        assertThat(first("no newline")).containsExactly("no newline".toCharArray());
    }

    @Test
    void refusesEmptyOverlongAndBrokenInput() {
        assertThatThrownBy(() -> first("")).hasMessage("no password in stdin");
        assertThatThrownBy(() -> first("\n")).hasMessage("no password in stdin");
        assertThatThrownBy(() -> first("x".repeat(5000))).hasMessage("the password line in stdin is too long");
        assertThatThrownBy(() -> PasswordOptions.firstLine(new ByteArrayInputStream(new byte[] {(byte) 0xff, '\n'}),
                "stdin")).hasMessage("the password in stdin is not valid UTF-8");
    }

    @Test
    void readsNothingBeyondTheFirstLine() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("secret\nhello\n".getBytes(StandardCharsets.UTF_8));
        PasswordOptions.firstLine(in, "stdin");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    }

    @Test
    void aNewPasswordIsEightToSeventyTwoBytesOfUtf8() {
        assertThat(PasswordOptions.invalid("1234567".toCharArray())).isEqualTo("Invalid password: it must be 8 to 72 bytes.");
        assertThat(PasswordOptions.invalid("12345678".toCharArray())).isNull();
        assertThat(PasswordOptions.invalid("ü".repeat(36).toCharArray())).as("72 bytes").isNull();
        assertThat(PasswordOptions.invalid("ü".repeat(37).toCharArray())).as("74 bytes").isNotNull();
        assertThat(PasswordOptions.invalid("😀😀".toCharArray())).as("8 bytes in two code points").isNull();
        assertThat(PasswordOptions.invalid(new char[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', '\ud800'}))
                .isEqualTo("Invalid password: it is not valid text.");
    }
}
