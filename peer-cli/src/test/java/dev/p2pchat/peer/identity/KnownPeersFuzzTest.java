package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.p2pchat.peer.identity.KnownPeers.Status;
import dev.p2pchat.peer.identity.KnownPeers.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzz tests of the {@code known_peers} parser (Jazzer). The file is hostile
 * input: whatever it holds, loading it throws nothing but {@link IdentityException}, every
 * entry it yields can be checked, warnings are at most one per line, short and printable, and
 * remembering a new peer keeps every byte that was there.
 */
class KnownPeersFuzzTest {

    /** Spelled out: a dictionary entry must be a constant. */
    private static final String FP_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String FP_B = "b".repeat(64);
    private static final String NEW_PEER = "fuzz-new-peer";
    private static final List<String> FIXED_NAMES = List.of("alice", "ALICE", "bob", "abc", "x".repeat(32), NEW_PEER);

    /** In memory where there is /dev/shm: remember() syncs to disk, which would slow the fuzzer down. */
    private static final Path DIR = createDirectory();

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

    // no "\n": Jazzer writes dictionary entries to a file without escaping line breaks
    @DictionaryEntries({"alice ", "bob\t", "#", " " + FP_A, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            NEW_PEER, "\u00e9", "\u0000"})
    @FuzzTest(maxDuration = "60s")
    void load(byte[] content) throws IOException {
        Path file = write(content);
        KnownPeers known;
        try {
            known = KnownPeers.load(file);
        } catch (IdentityException e) {
            return; // allowed, though a readable regular file should never get here
        }
        long lines = 1 + countNewlines(content);
        List<String> warnings = known.warnings();
        assertThat((long) warnings.size()).isLessThanOrEqualTo(lines + 1);
        for (String warning : warnings) {
            // one short printable line that never echoes the file's content
            assertThat(warning.length()).as(warning).isLessThanOrEqualTo(file.toString().length() + 160);
            assertThat(warning.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(warning).isTrue();
        }

        Map<String, String> peers = known.peers();
        assertThat((long) peers.size()).isLessThanOrEqualTo(lines);
        peers.forEach((name, fingerprint) -> {
            assertThat(KnownPeers.isValidUsername(name)).isTrue();
            assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT));
            assertThat(Fingerprints.isValid(fingerprint)).isTrue();
            assertThat(known.check(name, fingerprint)).isEqualTo(new Verdict(Status.TRUSTED, fingerprint));
            assertThat(known.check(name.toUpperCase(Locale.ROOT), fingerprint).status()).isEqualTo(Status.TRUSTED);
            String other = fingerprint.equals(FP_A) ? FP_B : FP_A;
            assertThat(known.check(name, other)).isEqualTo(new Verdict(Status.MISMATCH, fingerprint));
        });

        // any valid name can be checked: the fixed ones, and every word of the file that is one
        Set<String> names = new HashSet<>(FIXED_NAMES);
        for (String word : new String(content, StandardCharsets.ISO_8859_1).split("[\\s#]+")) {
            if (KnownPeers.isValidUsername(word)) {
                names.add(word);
            }
        }
        for (String name : names) {
            String expected = peers.get(name.toLowerCase(Locale.ROOT));
            Verdict verdict = known.check(name, FP_A);
            assertThat(verdict.knownFingerprint()).isEqualTo(expected);
            assertThat(known.fingerprintOf(name)).isEqualTo(Optional.ofNullable(expected));
        }
    }

    /**
     * Remembering a peer the file does not know appends one line and keeps every other byte
     * (a missing final newline is added), so nobody's entries, comments or odd lines are lost.
     */
    @DictionaryEntries({"alice ", "#", " " + FP_A, NEW_PEER})
    @FuzzTest(maxDuration = "60s")
    void remember(byte[] content) throws IOException {
        Path file = write(content);
        KnownPeers known;
        try {
            known = KnownPeers.load(file);
        } catch (IdentityException e) {
            return;
        }
        Map<String, String> before = known.peers();
        if (before.containsKey(NEW_PEER)) {
            String fingerprint = before.get(NEW_PEER);
            boolean wasChosen = known.chosen(NEW_PEER, fingerprint);
            known.remember(NEW_PEER, fingerprint);
            if (wasChosen) { // already known with it and chosen: nothing changes
                assertThat(Files.readAllBytes(file)).isEqualTo(content);
            } else { // a peer that had dialed us ("met") is now chosen: only its own line changes
                KnownPeers reread = KnownPeers.load(file);
                assertThat(reread.peers()).isEqualTo(before);
                assertThat(reread.chosen(NEW_PEER, fingerprint)).isTrue();
                assertThat(otherLines(Files.readAllBytes(file))).isEqualTo(otherLines(content));
            }
            return;
        }

        known.remember(NEW_PEER, FP_B);

        String old = new String(content, StandardCharsets.ISO_8859_1);
        String expected = old + (old.isEmpty() || old.endsWith("\n") ? "" : "\n") + NEW_PEER + " " + FP_B + "\n";
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        KnownPeers reread = KnownPeers.load(file);
        Map<String, String> after = new HashMap<>(before);
        after.put(NEW_PEER, FP_B);
        assertThat(reread.peers()).isEqualTo(after);
        assertThat(reread.check(NEW_PEER, FP_B).status()).isEqualTo(Status.TRUSTED);
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        try (var files = Files.walk(DIR)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static Path write(byte[] content) throws IOException {
        Path file = DIR.resolve(KnownPeers.FILE_NAME);
        Files.write(file, content);
        return file;
    }

    /** The file's lines but those naming {@link #NEW_PEER}, a final newline added if missing. */
    private static List<String> otherLines(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        return text.lines().filter(line -> !line.strip().toLowerCase(Locale.ROOT).startsWith(NEW_PEER)).toList();
    }

    private static long countNewlines(byte[] content) {
        long n = 0;
        for (byte b : content) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static Path createDirectory() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "known-peers-fuzz")
                    : Files.createTempDirectory("known-peers-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
