package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzz test of {@link FileNames} (Jazzer): whatever name (and folder path) a peer offers, the
 * name the file is saved under is one plain, non-empty name of at most 255 UTF-8 bytes, with
 * no separator, NUL, control or format character, never {@code .} or {@code ..}, and it stays
 * inside the downloads folder. The same holds for every numbered alternative.
 *
 * <p>Only names that can arrive are fuzzed: FILE_OFFER rejects a name with an unpaired
 * surrogate ({@code Checks.text}), so such strings are skipped.
 */
class FileNamesFuzzTest {

    /** Never created: only resolved against. */
    private static final Path DOWNLOADS = Path.of(System.getProperty("java.io.tmpdir"), "p2pchat-fuzz", "downloads");

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

    /**
     * The input is the offered name (as Jazzer's FuzzedDataProvider reads a string, which for
     * plain UTF-8 text is the text itself); the last bytes, when there are enough, pick the
     * number of a numbered alternative.
     */
    @DictionaryEntries({"/", "\\", "..", ".", " ", "CON", "nul", "LPT1", "COM9", ".txt", ".tar.gz", "\u0000",
            "\u200e", "\ufeff", "\u0085", "\u00a0", "\u3000", "\ud83d\ude00", ":", "*", "?", "\"", "<", ">", "|"})
    @FuzzTest(maxDuration = "60s")
    void sanitize(FuzzedDataProvider data) {
        int n = data.remainingBytes() > 64 ? data.consumeInt(1, Integer.MAX_VALUE) : 1;
        String offered = data.consumeRemainingAsString();
        if (!isValidUnicode(offered)) {
            return;
        }
        String name = FileNames.sanitize(offered);
        assertPlainName(offered, name);
        assertPlainName(offered, FileNames.numbered(name, n));
        assertThat(FileNames.numbered(name, n)).isNotEqualTo(name);
    }

    /**
     * The input is an offered {@code path} and a name after a NUL: the file's place, made of the
     * sanitized folders and name, is a plain name in each part, at most {@link FileNames#MAX_DEPTH}
     * folders deep, and stays inside the downloads folder.
     */
    @DictionaryEntries({"/", "\\", "..", ".", "../", "..\\", "//", " ", "CON", "\u0000", "\u200e", "\ud83d\ude00", ":"})
    @FuzzTest(maxDuration = "60s")
    void folders(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        if (!isValidUnicode(input)) {
            return;
        }
        int nul = input.indexOf('\u0000');
        String path = nul < 0 ? input : input.substring(0, nul);
        String offeredName = nul < 0 ? "file.txt" : input.substring(nul + 1);
        java.util.List<String> folders;
        try {
            folders = FileNames.folders(path);
        } catch (IllegalArgumentException tooDeep) {
            assertThat(path.split("[/\\\\]+").length).as("refused %s", path).isGreaterThan(FileNames.MAX_DEPTH);
            return;
        }
        assertThat(folders.size()).isLessThanOrEqualTo(FileNames.MAX_DEPTH);
        Path target = DOWNLOADS;
        for (String folder : folders) {
            assertPlainName(path, folder);
            target = target.resolve(folder);
        }
        String name = FileNames.sanitize(offeredName);
        assertPlainName(offeredName, name);
        Path file = target.resolve(name).normalize();
        assertThat(file.startsWith(DOWNLOADS)).as("%s / %s resolved to %s", path, offeredName, file).isTrue();
        assertThat(DOWNLOADS.relativize(file).getNameCount()).isEqualTo(folders.size() + 1);
    }

    private static void assertPlainName(String offered, String name) {
        assertThat(name).as("name for %s", offered).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..")
                .as("no dotfile for %s", offered).doesNotStartWith(".");
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).as("UTF-8 bytes of %s", name)
                .isLessThanOrEqualTo(255);
        assertThat(isValidUnicode(name)).as("valid Unicode: %s", name).isTrue();
        name.codePoints().forEach(c -> assertThat(c == '/' || c == '\\' || c == 0 || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT)
                .as("U+%04X in %s (for %s)", c, name, offered).isFalse());
        Path target = DOWNLOADS.resolve(name).normalize();
        assertThat(target.getParent()).as("%s resolved", name).isEqualTo(DOWNLOADS);
        assertThat(target.getFileName().toString()).isEqualTo(name);
    }

    /**
     * Seen while writing the properties above, not asked by them: cutting a long name to 255
     * bytes can leave the trailing dot that {@code sanitize} strips everywhere else (Windows
     * drops trailing dots, so the file would be saved under another name than the one checked).
     */
    @Test
    void truncatedNameDoesNotEndWithADot() {
        assertThat(FileNames.sanitize("a".repeat(254) + "." + "b".repeat(20))).doesNotEndWith(".");
    }

    /** No unpaired surrogate: the string has a UTF-8 form (the protocol checks this). */
    private static boolean isValidUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
