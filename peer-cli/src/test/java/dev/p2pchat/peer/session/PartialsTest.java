package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.session.ChatSession.Liveness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial files and the downloads folder against a local attacker: someone who can write into a
 * shared downloads folder, and who knows (as the sender does) which name a partial will get.
 */
class PartialsTest {

    private static final byte[] VICTIM = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwner owner@laptop\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    final Harness harness = new Harness();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Path downloads() {
        return tmp.resolve("shared/downloads");
    }

    /** The file an attacker wants to append to: the receiver's own authorized_keys. */
    private Path victim() throws Exception {
        return Harness.write(tmp.resolve("home/.ssh/authorized_keys"), VICTIM);
    }

    /** Where the receiver used to keep the partial of this offer: in the downloads folder, by a predictable name. */
    private Path oldPartial(String sender, String name, long size) throws Exception {
        String key = sender + '\0' + name + '\0' + size;
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return downloads().resolve(".p2pchat-partial").resolve(HexFormat.of().formatHex(digest, 0, 16) + ".part");
    }

    @Test
    void aLinkPlantedWhereThePartialWasExpectedIsNeverFollowedNorHashed() throws Exception {
        Path victim = victim();
        byte[] attack = "\nssh-ed25519 AAAA...attacker attacker@evil\n".repeat(4).getBytes(StandardCharsets.UTF_8);
        Path planted = oldPartial("alice", "notes.txt", attack.length);
        Files.createDirectories(planted.getParent());
        Files.createSymbolicLink(planted, victim);
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        pair.raw().send(new Frame.FileOffer(1, "notes.txt", attack.length));
        Frame.FileAccept accept = pair.raw().expect(Frame.FileAccept.class);

        assertThat(accept).as("a fresh start, and no hash of anything the receiver holds")
                .isEqualTo(Frame.FileAccept.fromStart(1));
        pair.raw().send(new Frame.FileData(1, attack));
        pair.raw().send(new Frame.FileEnd(1, Harness.sha256(attack)));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(Files.readAllBytes(downloads().resolve("notes.txt"))).isEqualTo(attack);
    }

    @Test
    void aLinkPlantedUnderTheFinalNameIsNotWrittenThrough() throws Exception {
        Path victim = victim();
        Files.createDirectories(downloads());
        Files.createSymbolicLink(downloads().resolve("notes.txt"), victim);
        Files.createSymbolicLink(downloads().resolve("notes (1).txt"), tmp.resolve("home/.ssh/not-there-yet"));
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);

        pair.raw().sendFile(1, "notes.txt", content, Harness.sha256(content));

        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        Path saved = pair.session().events().nextReceived().result().savedAs();
        assertThat(saved).isEqualTo(downloads().resolve("notes (2).txt"));
        assertThat(Files.isSymbolicLink(saved)).isFalse();
        assertThat(Files.readAllBytes(saved)).isEqualTo(content);
        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(tmp.resolve("home/.ssh/not-there-yet")).doesNotExist();
    }
    /** The partial this receiver keeps for {@code alice}'s offer, in its private folder. */
    private Path partialFor(String name, long size) throws Exception {
        Downloads folder = Harness.downloads(downloads());
        folder.prepare();
        return folder.partialFor("alice", name, size);
    }

    /** alice offers {@code content} as notes.txt; the receiver's answer, after which she sends it all. */
    private Frame.FileAccept offerAndSend(Harness.RawPair pair, byte[] content) throws Exception {
        pair.raw().send(new Frame.FileOffer(1, "notes.txt", content.length));
        Frame.FileAccept accept = pair.raw().expect(Frame.FileAccept.class);
        pair.raw().send(new Frame.FileData(1, java.util.Arrays.copyOfRange(content, (int) accept.offset(),
                content.length)));
        pair.raw().send(new Frame.FileEnd(1, Harness.sha256(content)));
        assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
        return accept;
    }

    @Test
    void aLinkInThePrivatePartialsFolderIsRemovedNotFollowed() throws Exception {
        Path victim = victim();
        byte[] content = Harness.random(1000, 1);
        Files.createSymbolicLink(partialFor("notes.txt", content.length), victim);
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        assertThat(offerAndSend(pair, content)).isEqualTo(Frame.FileAccept.fromStart(1));

        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(Files.readAllBytes(downloads().resolve("notes.txt"))).isEqualTo(content);
        assertThat(Harness.partials(downloads())).isEmpty();
    }

    @Test
    void aPartialThatIsAHardLinkToAnotherFileIsNotResumed() throws Exception {
        Path victim = victim();
        byte[] content = Harness.random(1000, 2);
        Files.createLink(partialFor("notes.txt", content.length), victim);
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        assertThat(offerAndSend(pair, content)).isEqualTo(Frame.FileAccept.fromStart(1));

        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(Files.readAllBytes(downloads().resolve("notes.txt"))).isEqualTo(content);
    }

    @Test
    void aPartialThatBelongsToAnotherUserIsNotResumed() throws Exception {
        byte[] content = Harness.random(1000, 3);
        Path partial = Harness.write(partialFor("notes.txt", content.length), java.util.Arrays.copyOf(content, 500));
        try {
            Files.setOwner(partial, partial.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        } catch (java.io.IOException | UnsupportedOperationException notRoot) {
            org.junit.jupiter.api.Assumptions.abort("giving a file to 'nobody' needs root: " + notRoot);
        }
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        assertThat(offerAndSend(pair, content)).isEqualTo(Frame.FileAccept.fromStart(1));
        assertThat(Files.readAllBytes(downloads().resolve("notes.txt"))).isEqualTo(content);
    }

    @Test
    void aPartialOfOurOwnIsResumed() throws Exception {
        byte[] content = Harness.random(1000, 4);
        byte[] half = java.util.Arrays.copyOf(content, 500);
        Harness.write(partialFor("notes.txt", content.length), half);
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        assertThat(offerAndSend(pair, content)).isEqualTo(new Frame.FileAccept(1, 500, Harness.sha256(half)));
        assertThat(Files.readAllBytes(downloads().resolve("notes.txt"))).isEqualTo(content);
    }

    // ---------------------------------------------------------------- the folders

    @Test
    void thePartialsFolderIsMadeOwnerOnlyAndKeptSo() throws Exception {
        Downloads folder = Harness.downloads(downloads());
        folder.prepare();
        assertThat(posix(folder.partials())).isEqualTo("rwx------");

        Files.setPosixFilePermissions(folder.partials(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        folder.prepare();
        assertThat(posix(folder.partials())).isEqualTo("rwx------");
    }

    @Test
    void aPartialsFolderThatIsALinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(downloads());
        Files.createSymbolicLink(Harness.partialsOf(downloads()), elsewhere);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Harness.downloads(downloads()).prepare())
                .hasMessage(Harness.partialsOf(downloads()) + " is a symbolic link; it must be a folder of your own");
    }

    @Test
    void aPartialsFolderOfAnotherUserIsRefused() throws Exception {
        Path partials = Files.createDirectories(Harness.partialsOf(downloads()));
        try {
            Files.setOwner(partials, partials.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        } catch (java.io.IOException | UnsupportedOperationException notRoot) {
            org.junit.jupiter.api.Assumptions.abort("giving a folder to 'nobody' needs root: " + notRoot);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Harness.downloads(downloads()).prepare())
                .hasMessage(partials + " belongs to nobody, not to you");
    }

    @Test
    void aDownloadsFolderOthersCanWriteToIsRefusedUnlessAllowedOrStickyAndOurs() throws Exception {
        Path shared = Files.createDirectories(downloads());
        chmod("777", shared);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Harness.downloads(shared).prepare())
                .hasMessageStartingWith("the downloads folder " + shared + " can be written by other users")
                .hasMessageEndingWith("--allow-shared-downloads");

        Downloads allowed = new Downloads(shared, Harness.partialsOf(shared),
                new Downloads.Settings(true, Downloads.Settings.AUTO, 1 << 20, java.time.Duration.ofDays(1)));
        allowed.prepare();

        chmod("1777", shared); // like /tmp, but ours: others cannot rename or remove what we put there
        Harness.downloads(shared).prepare();
    }

    @Test
    void anOfferIntoASharedDownloadsFolderIsRefusedAndTheUserToldWhy() throws Exception {
        chmod("777", Files.createDirectories(downloads()));
        Harness.RawPair pair = harness.raw(false, Harness.auto(downloads()), Liveness.DEFAULT);

        pair.raw().send(new Frame.FileOffer(1, "notes.txt", 10));

        assertThat(pair.raw().expect(Frame.FileReject.class).reason())
                .isEqualTo("the receiver cannot write the file: an I/O error");
        assertThat(pair.session().events().nextReceived().result().message())
                .startsWith("refused 'notes.txt': cannot receive files: the downloads folder " + downloads());
    }

    @Test
    void aVerifiedFileIsCopiedIntoADownloadsFolderOnAnotherDisk() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "needs /dev/shm on another file system");
        Path other = Files.createTempDirectory(shm, "p2pchat-test-");
        try {
            Path downloads = other.resolve("downloads");
            Downloads folder = new Downloads(downloads, tmp.resolve("partials"));
            Harness.RawPair pair = harness.raw(false, new ReceivePolicy(ReceivePolicy.Mode.AUTO, folder,
                    ReceivePolicy.UNLIMITED, 8), Liveness.DEFAULT);
            byte[] content = Harness.random(300_000, 5);

            pair.raw().sendFile(1, "far.bin", content, Harness.sha256(content));

            assertThat(pair.raw().expect(Frame.FileResult.class).ok()).isTrue();
            assertThat(Files.readAllBytes(downloads.resolve("far.bin"))).isEqualTo(content);
            assertThat(Harness.filesUnder(tmp.resolve("partials"))).isEmpty();
        } finally {
            try (var files = Files.walk(other)) {
                for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static String posix(Path path) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void chmod(String mode, Path path) throws Exception {
        Process chmod = new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start();
        assertThat(chmod.waitFor()).isZero();
    }
}
