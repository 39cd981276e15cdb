package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names offered by a hostile sender, through a real FILE_OFFER: every file lands directly in
 * the downloads folder under a plain, sanitized name, and never replaces an existing file.
 */
class HostileNamesTest {

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    /** Deep enough that "../../x" from it would still be inside {@link #tmp}, where we look. */
    private Path downloads() {
        return tmp.resolve("home/user/downloads");
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("../../x", "x"),
                Arguments.of("../../../../../../../../tmp/evil", "evil"),
                Arguments.of("/etc/passwd", "passwd"),
                Arguments.of("C:\\Windows\\system32\\drivers\\etc\\hosts", "hosts"),
                Arguments.of("a/b\\c", "c"),
                Arguments.of("a\u0000b", "a_b"),
                Arguments.of("bell\u0007 and\nnewline\r.txt", "bell_ and_newline_.txt"),
                Arguments.of("\u001b[31mred\u001b[0m.txt", "_[31mred_[0m.txt"),
                Arguments.of("invoice\u202Efdp.exe", "invoice_fdp.exe"),
                Arguments.of("zero\u200Bwidth.txt", "zero_width.txt"),
                Arguments.of("CON", "_CON"),
                Arguments.of("con.txt", "_con.txt"),
                Arguments.of("LPT1.tar.gz", "_LPT1.tar.gz"),
                Arguments.of(".bashrc", "_bashrc"),
                Arguments.of("../.ssh/authorized_keys", "authorized_keys"),
                Arguments.of("x/.profile", "_profile"),
                Arguments.of("..", "file"),
                Arguments.of(".", "file"),
                Arguments.of("...", "file"),
                Arguments.of("  ", "file"),
                Arguments.of("dir/..", "file"),
                Arguments.of("trailing dots...", "trailing dots"),
                Arguments.of("what?<is>*this|\":", "what__is__this___"),
                Arguments.of("x".repeat(300), "x".repeat(255)),
                Arguments.of("y".repeat(290) + ".txt", "y".repeat(251) + ".txt"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("names")
    void aHostileNameLandsInsideTheDownloadsFolderSanitized(String offered, String expected) throws Exception {
        assertThat(FileNames.sanitize(offered)).isEqualTo(expected);
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] content = "payload".getBytes(StandardCharsets.UTF_8);

        pair.raw().sendFile(1, offered, content, Harness.sha256(content));

        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        Recorder.Finished received = pair.session().events().nextReceived();
        Path saved = received.result().savedAs();
        assertThat(saved.getParent()).isEqualTo(downloads());
        assertThat(saved.getFileName().toString()).isEqualTo(expected);
        assertThat(saved.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(FileNames.MAX_BYTES);
        assertThat(Files.readAllBytes(saved)).isEqualTo(content);
        assertThat(received.transfer().name()).as("the event keeps the name as offered").isEqualTo(offered);
        assertThat(Harness.filesUnder(tmp)).as("no file anywhere but the downloads folder").containsExactly(saved);
    }

    @Test
    void manyHostileNamesInOneSessionAllStayInside() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        List<Arguments> all = names().toList();
        long id = 1;
        for (Arguments arguments : all) {
            byte[] content = ("content " + id).getBytes(StandardCharsets.UTF_8);
            pair.raw().sendFile(id, (String) arguments.get()[0], content, Harness.sha256(content));
            assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
            id += 2;
        }
        List<Path> files = Harness.filesUnder(tmp);
        assertThat(files).hasSize(all.size()).allSatisfy(file -> assertThat(file.getParent()).isEqualTo(downloads()));
    }

    @Test
    void anEmptyNameIsAProtocolErrorNotAFile() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        pair.raw().sendRaw(ProtocolViolationTest.frame(0x10, "{\"id\":1,\"name\":\"\",\"size\":1}"));
        assertThat(pair.raw().expectErrorThenEnd().message())
                .isEqualTo("bad FILE_OFFER payload: field 'name' must not be empty");
        assertThat(Harness.filesUnder(tmp)).isEmpty();
    }

    @Test
    void anExistingNameIsNeverOverwrittenButNumbered() throws Exception {
        Path existing = Harness.write(downloads().resolve("report.pdf"), "mine".getBytes(StandardCharsets.UTF_8));
        Harness.write(downloads().resolve("notes"), "mine too".getBytes(StandardCharsets.UTF_8));
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice")), Harness.auto(downloads()));

        Path outbox = tmp.resolve("outbox");
        Path one = Harness.write(outbox.resolve("1/report.pdf"), "first".getBytes(StandardCharsets.UTF_8));
        Path two = Harness.write(outbox.resolve("2/report.pdf"), "second!".getBytes(StandardCharsets.UTF_8));
        Path three = Harness.write(outbox.resolve("3/notes"), "no extension".getBytes(StandardCharsets.UTF_8));
        assertThat(pair.alice().session().sendFile(one).get(5, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(pair.alice().session().sendFile(two).get(5, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(pair.alice().session().sendFile(three).get(5, TimeUnit.SECONDS).ok()).isTrue();

        assertThat(pair.bob().events().nextReceived().result().savedAs()).isEqualTo(downloads().resolve("report (1).pdf"));
        assertThat(pair.bob().events().nextReceived().result().savedAs()).isEqualTo(downloads().resolve("report (2).pdf"));
        assertThat(pair.bob().events().nextReceived().result().savedAs()).isEqualTo(downloads().resolve("notes (1)"));
        assertThat(Files.readString(existing)).isEqualTo("mine");
        assertThat(Files.readString(downloads().resolve("notes"))).isEqualTo("mine too");
        assertThat(Files.readString(downloads().resolve("report (1).pdf"))).isEqualTo("first");
        assertThat(Files.readString(downloads().resolve("report (2).pdf"))).isEqualTo("second!");
        assertThat(Files.readString(downloads().resolve("notes (1)"))).isEqualTo("no extension");
    }

    @Test
    void theSameHostileNameTwiceIsNumberedToo() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".getBytes(StandardCharsets.UTF_8);
        pair.raw().sendFile(1, "../../x", a, Harness.sha256(a));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        pair.raw().sendFile(3, "/x", b, Harness.sha256(b));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        assertThat(Files.readString(downloads().resolve("x"))).isEqualTo("a");
        assertThat(Files.readString(downloads().resolve("x (1)"))).isEqualTo("b");
    }

    @Test
    void theOldPartialsFolderNameIsJustAName() throws Exception {
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] content = "sneaky".getBytes(StandardCharsets.UTF_8);
        pair.raw().sendFile(1, ".p2pchat-partial", content, Harness.sha256(content));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        Path saved = pair.session().events().nextReceived().result().savedAs();
        assertThat(saved).isEqualTo(downloads().resolve("_p2pchat-partial"));
        assertThat(Files.readAllBytes(saved)).isEqualTo(content);
    }
}
