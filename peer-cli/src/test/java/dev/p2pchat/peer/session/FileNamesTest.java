package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileNames}: one plain, safe name of at most 255 UTF-8 bytes, extension kept. */
class FileNamesTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "report.pdf | report.pdf",
            "résumé 2024 ✓.pdf | résumé 2024 ✓.pdf",
            "日本語のファイル.txt | 日本語のファイル.txt",
            "😀.png | 😀.png",
            ".bashrc | _bashrc",
            ".ssh | _ssh",
            "'  .profile' | _profile",
            "..hidden.txt | _.hidden.txt",
            "dir/.env | _env",
            "archive.tar.gz | archive.tar.gz",
            "../../x | x",
            "/etc/passwd | passwd",
            "C:\\Users\\me\\file.txt | file.txt",
            "a/b\\c | c",
            "dir/ | file",
            "'  spaced out.txt  ' | spaced out.txt",
            "name. . . | name",
            "CON | _CON",
            "con | _con",
            "Aux.txt | _Aux.txt",
            "com9.log | _com9.log",
            "CONSOLE.txt | CONSOLE.txt",
            "LPT10 | LPT10",
            ".. | file",
            ". | file",
            "a:b*c?d | a_b_c_d",
            "'<>|\"' | ____",
    })
    void sanitizes(String offered, String expected) {
        assertThat(FileNames.sanitize(offered)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "...", "/", "\\", "a/", "../..", "\u202E", "\u0000"})
    void nothingUsableLeftGivesAPlainFallbackName(String offered) {
        String name = FileNames.sanitize(offered);
        assertThat(name).isIn("file", "_");
        assertThat(Path.of(name).getNameCount()).isEqualTo(1);
    }

    @Test
    void controlAndFormatCharactersAreReplaced() {
        assertThat(FileNames.sanitize("a\u0000b\u0001c\u001fd\u007fe\u0085f.txt")).isEqualTo("a_b_c_d_e_f.txt");
        assertThat(FileNames.sanitize("evil\u202Egnp.exe")).isEqualTo("evil_gnp.exe");
        assertThat(FileNames.sanitize("x\u200Dy\uFEFFz")).isEqualTo("x_y_z");
        assertThat(FileNames.sanitize("tab\there")).isEqualTo("tab_here");
    }

    @Test
    void aLongAsciiNameIsCutTo255BytesKeepingTheExtension() {
        String name = FileNames.sanitize("a".repeat(400) + ".pdf");
        assertThat(utf8(name)).isEqualTo(255);
        assertThat(name).endsWith(".pdf").startsWith("aaaa");
    }

    @Test
    void aLongMultibyteNameIsCutOnCharacterBoundaries() {
        // 2, 3 and 4 bytes per character: none may be split
        for (String unit : new String[] {"é", "日", "😀"}) {
            String name = FileNames.sanitize(unit.repeat(200) + ".txt");
            assertThat(utf8(name)).isLessThanOrEqualTo(255).isGreaterThan(255 - unit.getBytes(StandardCharsets.UTF_8).length - 1);
            assertThat(name).endsWith(".txt");
            assertThat(name.substring(0, name.length() - 4)).matches("(" + unit + ")+");
            assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(name);
        }
    }

    @Test
    void aNameOfExactly255BytesIsKept() {
        String name = "b".repeat(251) + ".txt";
        assertThat(FileNames.sanitize(name)).isEqualTo(name);
        assertThat(FileNames.sanitize("c" + name)).isEqualTo("c".repeat(1) + "b".repeat(250) + ".txt");
    }

    @Test
    void aVeryLongExtensionIsNotKeptAsAnExtension() {
        String name = FileNames.sanitize("short." + "e".repeat(300));
        assertThat(utf8(name)).isEqualTo(255);
        assertThat(name).startsWith("short.eee");
    }

    @Test
    void numberedPutsTheCounterBeforeTheExtension() {
        assertThat(FileNames.numbered("report.pdf", 1)).isEqualTo("report (1).pdf");
        assertThat(FileNames.numbered("report.pdf", 12)).isEqualTo("report (12).pdf");
        assertThat(FileNames.numbered("notes", 2)).isEqualTo("notes (2)");
        assertThat(FileNames.numbered("archive.tar.gz", 1)).isEqualTo("archive.tar (1).gz");
        assertThat(FileNames.numbered(".bashrc", 1)).isEqualTo(".bashrc (1)");
        assertThat(FileNames.numbered("résumé ✓.pdf", 3)).isEqualTo("résumé ✓ (3).pdf");
    }

    @Test
    void numberedStaysWithin255BytesKeepingExtensionAndCounter() {
        String longest = FileNames.sanitize("a".repeat(400) + ".pdf");
        String numbered = FileNames.numbered(longest, 10);
        assertThat(utf8(numbered)).isLessThanOrEqualTo(255);
        assertThat(numbered).endsWith(" (10).pdf");

        String emoji = FileNames.sanitize("😀".repeat(100) + ".png");
        String numberedEmoji = FileNames.numbered(emoji, 1);
        assertThat(utf8(numberedEmoji)).isLessThanOrEqualTo(255);
        assertThat(numberedEmoji).endsWith(" (1).png");
        assertThat(numberedEmoji.substring(0, numberedEmoji.length() - " (1).png".length())).matches("(😀)+");
    }

    @Test
    void sanitizedNamesAreAlwaysOnePlainPathComponent() {
        String[] nasty = {"../../x", "/", "a/../../b", "..\\..\\c", "\u0000", "./.", "x/.", "~/.ssh/authorized_keys"};
        Path dir = Path.of("/downloads");
        for (String offered : nasty) {
            String name = FileNames.sanitize(offered);
            assertThat(dir.resolve(name).normalize().getParent()).as(offered).isEqualTo(dir);
            assertThat(name).doesNotContain("/", "\\").isNotIn(".", "..", "");
        }
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
