package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders between two real sessions: structure, empty folders, links, names, the window of offers. */
class FolderTransferTest {

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Harness.Pair pair() {
        return harness.pair(Harness.auto(tmp.resolve("alice-downloads")), Harness.auto(tmp.resolve("bob-downloads")));
    }

    @Test
    void aTreeArrivesWithItsStructureAndEmptyFoldersAndWithoutItsLinks() throws Exception {
        Path top = tmp.resolve("outbox/photos");
        byte[] big = Harness.random(Transfers.CHUNK * 3 + 17, 1);
        Harness.write(top.resolve("a.txt"), "a".getBytes());
        Harness.write(top.resolve("2024/summer/b.bin"), big);
        Harness.write(top.resolve("2024/same.txt"), "one".getBytes());
        Harness.write(top.resolve("same.txt"), "two".getBytes()); // same name and size, another folder
        Harness.write(top.resolve(".hidden"), "h".getBytes());
        Files.createDirectories(top.resolve("empty/inner"));
        Path secret = Harness.write(tmp.resolve("secret.txt"), "not to be sent".getBytes());
        Files.createSymbolicLink(top.resolve("link.txt"), secret);
        Files.createSymbolicLink(top.resolve("2024/up"), tmp);

        Outbox.Listing listing = Outbox.list(List.of(top));
        assertThat(listing.skipped()).extracting(Outbox.Skipped::shown)
                .containsExactlyInAnyOrder("photos/link.txt", "photos/2024/up");
        assertThat(listing.skipped()).extracting(Outbox.Skipped::reason).containsOnly("a symbolic link: not followed");
        Harness.Pair pair = pair();
        List<Outbox.Sent> sent = Outbox.send(pair.alice().session(), listing.entries(), (e, r) -> { });

        assertThat(sent).extracting(s -> s.entry().shown()).containsExactly("photos/.hidden", "photos/a.txt",
                "photos/same.txt", "photos/2024/same.txt", "photos/2024/summer/b.bin", "photos/empty/inner");
        assertThat(sent).allSatisfy(s -> assertThat(s.result().ok()).as(s.result().message()).isTrue());
        Path bob = pair.bob().downloads().dir();
        assertThat(Files.readString(bob.resolve("photos/a.txt"))).isEqualTo("a");
        assertThat(Files.readAllBytes(bob.resolve("photos/2024/summer/b.bin"))).isEqualTo(big);
        assertThat(Files.readString(bob.resolve("photos/2024/same.txt"))).isEqualTo("one");
        assertThat(Files.readString(bob.resolve("photos/same.txt"))).isEqualTo("two");
        assertThat(Files.readString(bob.resolve("photos/_hidden"))).isEqualTo("h");
        assertThat(bob.resolve("photos/empty/inner")).isEmptyDirectory();
        assertThat(bob.resolve("photos/link.txt")).doesNotExist();
        assertThat(bob.resolve("photos/2024/up")).doesNotExist();
        assertThat(Harness.partials(bob)).isEmpty();
        assertThat(pair.bob().session().isOpen()).isTrue();
    }

    @Test
    void manySmallFilesAreOfferedAWindowAtATimeNotOneAfterTheOther() throws Exception {
        Path top = tmp.resolve("outbox/many");
        for (int i = 0; i < 200; i++) {
            Harness.write(top.resolve("d" + i % 7 + "/f" + i + ".txt"), ("file " + i).getBytes());
        }
        Harness.Pair pair = pair();
        List<Outbox.Sent> sent = Outbox.send(pair.alice().session(), Outbox.list(List.of(top)).entries(),
                (e, r) -> { });

        assertThat(sent).hasSize(200).allSatisfy(s -> assertThat(s.result().ok()).as(s.result().message()).isTrue());
        assertThat(Harness.finalFiles(pair.bob().downloads().dir())).hasSize(200);
        // pipelined: some file was offered and started before the one before it was confirmed
        List<String> log = pair.alice().events().logSnapshot();
        int mostInFlight = 0;
        int inFlight = 0;
        for (String line : log) {
            if (line.startsWith("started:SEND")) {
                mostInFlight = Math.max(mostInFlight, ++inFlight);
            } else if (line.startsWith("finished:SEND")) {
                inFlight--;
            }
        }
        assertThat(mostInFlight).as("files on their way at once, in %s", log).isGreaterThan(1)
                .isLessThanOrEqualTo(8); // the window of a peer whose HELLO did not say how many it takes
    }

    @Test
    void aHostilePathStaysInsideTheDownloadsFolder() throws Exception {
        Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob-downloads")), ChatSession.Liveness.DEFAULT);
        raw.raw().send(new Frame.FileOffer(1, "passwd", 3, "../../../etc", false));
        Frame accept = raw.raw().next();
        assertThat(accept).isInstanceOf(Frame.FileAccept.class);
        raw.raw().send(new Frame.FileData(1, new byte[] {1, 2, 3}, 0, 3));
        raw.raw().send(new Frame.FileEnd(1, Harness.sha256(new byte[] {1, 2, 3})));
        Frame result = raw.raw().next();
        assertThat(result).isInstanceOf(Frame.FileResult.class);
        assertThat(((Frame.FileResult) result).ok()).isTrue();
        Path bob = tmp.resolve("bob-downloads");
        assertThat(bob.resolve("file/file/file/etc/passwd")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    @Test
    void aFolderOfTheOfferThatIsALinkIsNotFollowed() throws Exception {
        Path bob = tmp.resolve("bob-downloads");
        Files.createDirectories(bob);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(bob.resolve("photos"), elsewhere);
        Harness.RawPair raw = harness.raw(false, Harness.auto(bob), ChatSession.Liveness.DEFAULT);
        raw.raw().send(new Frame.FileOffer(1, "a.txt", 1, "photos", false));
        assertThat(raw.raw().next()).isInstanceOf(Frame.FileAccept.class);
        raw.raw().send(new Frame.FileData(1, new byte[] {7}, 0, 1));
        raw.raw().send(new Frame.FileEnd(1, Harness.sha256(new byte[] {7})));
        Frame result = raw.raw().next();
        assertThat(((Frame.FileResult) result).ok()).as("not saved through the link").isFalse();
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(Files.isSymbolicLink(bob.resolve("photos"))).isTrue();
    }

    @Test
    void tooDeepAPathIsRefusedAndTheSessionGoesOn() throws Exception {
        Harness.RawPair raw = harness.raw(false, Harness.auto(tmp.resolve("bob-downloads")), ChatSession.Liveness.DEFAULT);
        raw.raw().send(new Frame.FileOffer(1, "f", 1, "d/".repeat(FileNames.MAX_DEPTH + 1), false));
        Frame reject = raw.raw().next();
        assertThat(reject).isInstanceOf(Frame.FileReject.class);
        assertThat(((Frame.FileReject) reject).reason()).isEqualTo("too deeply nested: more than 32 nested folders");
        assertThat(raw.session().session().isOpen()).isTrue();
        assertThat(Files.exists(tmp.resolve("bob-downloads/d"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aReceiverThatRefusesEverythingIsNoLongerOfferedTheRest() throws Exception {
        Harness.Pair pair = harness.pair(Harness.auto(tmp.resolve("alice-downloads")), ReceivePolicy.refuseAll());
        Path top = tmp.resolve("outbox/many");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            files.add(Harness.write(top.resolve("f" + i), new byte[] {(byte) i}));
        }
        List<Outbox.Sent> sent = Outbox.send(pair.alice().session(), Outbox.list(List.of(top)).entries(),
                (e, r) -> { });

        assertThat(sent).hasSize(100).noneMatch(s -> s.result().ok());
        assertThat(sent.get(99).result().message()).isEqualTo("not offered: 32 files in a row were not confirmed");
        assertThat(pair.bob().session().isOpen()).as("fewer than 64 refusals in a row").isTrue();
        pair.alice().session().close("done");
        assertThat(pair.alice().events().awaitEnded()).isNotNull();
        assertThat(pair.alice().session().ended().get(5, TimeUnit.SECONDS)).isNotNull();
    }
}
