package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the real world does to a transfer or a listener, and what the user sees. */
class FaultsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");
    private static Directory directory;
    private static int users;

    @TempDir
    Path tmp;

    private Peer alice;
    private Peer bob;

    @BeforeAll
    static void startDirectory() {
        directory = Directory.start();
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    @BeforeEach
    void twoUsers() {
        users++;
        alice = new Peer("alice" + users, tmp.resolve("alice"), directory.url());
        bob = new Peer("bob" + users, tmp.resolve("bob"), directory.url());
        assertThat(alice.registerAndLogin().exit()).isZero();
        assertThat(bob.registerAndLogin().exit()).isZero();
    }

    private Path randomFile(String name, long size) throws IOException {
        Path file = tmp.resolve(name);
        SplittableRandom random = new SplittableRandom(size);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return file;
    }

    /** Bytes in the unfinished files of {@code peer} (kept in its home, not in its downloads folder). */
    private long partialBytes(Peer peer) throws IOException {
        Path partials = peer.home().resolve("partials");
        if (!Files.isDirectory(partials)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(partials)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    @Test
    void aReceiverKilledMidTransferResumesAfterARestartAndTheFileIsVerified() throws Exception {
        Path file = randomFile("big.bin", 256L << 20);
        Path downloads = bob.home().resolve("downloads");
        try (PeerProcess receiver = new PeerProcess(bob, tmp.resolve("logs"), "listen", "--accept", "auto")) {
            await().atMost(WAIT).until(() -> receiver.err().contains("Online as"));
            Peer.Running sending = alice.start("send", bob.name(), file.toString());
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> partialBytes(bob) > (16L << 20));
            receiver.kill();

            assertThat(sending.waitFor(WAIT)).isEqualTo(7);
            assertThat(sending.err()).contains("lost after").contains("send it again to resume");
        }
        assertThat(downloads.resolve("big.bin")).doesNotExist();
        long kept = partialBytes(bob);
        assertThat(kept).isBetween(1L, (256L << 20) - 1);

        try (PeerProcess receiver = new PeerProcess(bob, tmp.resolve("logs"), "listen", "--once", "--accept", "auto")) {
            await().atMost(WAIT).until(() -> receiver.err().contains("Online as"));
            Peer.Result again = alice.run("", "send", bob.name(), file.toString());

            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(receiver.waitFor(WAIT)).isZero();
            assertThat(receiver.err()).contains("resuming at").contains("SHA-256 verified");
        }
        assertThat(downloads.resolve("big.bin")).hasSameBinaryContentAs(file);
        assertThat(partialBytes(bob)).isZero();
    }

    @Test
    void aConnectionCutMidTransferIsReportedOnBothSidesAndTheNextSendResumes() throws Exception {
        Path file = randomFile("cut.bin", 24L << 20);
        Peer.Running listening = bob.start("listen", "--accept", "auto");
        await().atMost(WAIT).until(() -> listening.err().contains("Online as"));
        Matcher port = PORT.matcher(listening.err());
        assertThat(port.find()).isTrue();

        try (CuttingProxy proxy = new CuttingProxy(Integer.parseInt(port.group(1)), 8L << 20)) {
            Peer.Result cut = alice.run("", "send", bob.name(), "--address", "127.0.0.1:" + proxy.port(), file.toString());

            assertThat(cut.exit()).as(cut.err()).isEqualTo(7);
            assertThat(cut.err()).contains("lost after").contains("send it again to resume");
        }
        await().atMost(WAIT).until(() -> listening.err().contains("lost after"));

        Peer.Result resumed = alice.run("", "send", bob.name(), file.toString());

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        await().atMost(WAIT).until(() -> listening.err().contains("resuming at"));
        assertThat(bob.home().resolve("downloads/cut.bin")).hasSameBinaryContentAs(file);
        listening.type("/quit"); // 'q' would go to alice if her session had not ended yet
        assertThat(listening.waitFor(WAIT)).isZero();
    }

    @Test
    void aFullDiskRefusesTheFileCleanlyAndTheSenderIsTold() throws Exception {
        Path small = tmp.resolve("small-disk");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(mount.waitFor() == 0, "needs root to mount a 4 MiB tmpfs: skipped");
        try {
            Path file = randomFile("too-big.bin", 8L << 20);
            Peer.Running listening = bob.start("listen", "--once", "--accept", "auto", "--downloads", small.toString());
            await().atMost(WAIT).until(() -> listening.err().contains("Online as"));

            Peer.Result sent = alice.run("", "send", bob.name(), file.toString());

            assertThat(sent.exit()).isEqualTo(9);
            assertThat(sent.err()).contains("not enough free disk space");
            assertThat(listening.waitFor(WAIT)).isZero();
            assertThat(small.resolve("too-big.bin")).doesNotExist();
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void withTheDirectoryDownAListenerKeepsItsChatsAndComesBackOnlineWhenItReturns() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = tmp.resolve("directory-data");
        String[] settings = {"--server.port=" + port, "--spring.datasource.url=jdbc:h2:file:" + data + "/directory"};
        Directory own = Directory.start(settings);
        Peer carol = new Peer("carol", tmp.resolve("carol"), own.url());
        Peer dave = new Peer("dave", tmp.resolve("dave"), own.url());
        assertThat(carol.registerAndLogin().exit()).isZero();
        assertThat(dave.registerAndLogin().exit()).isZero();
        Peer.Running listening = dave.start("listen", "--renew-interval", "1");
        await().atMost(WAIT).until(() -> listening.err().contains("Online as"));
        Peer.Running chat = carol.start("chat", "dave");
        await().atMost(WAIT).until(() -> listening.err().contains("carol connected"));

        own.close();
        await().atMost(WAIT).until(() -> listening.err().contains("Could not renew presence: cannot reach the directory"));
        chat.type("still here?");
        await().atMost(WAIT).until(() -> listening.out().contains("carol: still here?"));
        Peer.Result lookup = carol.run("", "chat", "dave");
        assertThat(lookup.exit()).isEqualTo(3);
        assertThat(lookup.err()).contains("cannot reach the directory").contains("--address HOST:PORT");

        try (Directory back = Directory.start(settings)) {
            await().atMost(WAIT).until(() -> listening.err().contains("Online again"));
            listening.type("yes, and online again");
            await().atMost(WAIT).until(() -> chat.out().contains("dave: yes, and online again"));
            chat.type("close");
            assertThat(chat.waitFor(WAIT)).isZero();
            // 'q' quits only outside a chat: typed before carol's close arrives, it would be a message to her
            await().atMost(WAIT).until(() -> listening.err().contains("carol closed the chat"));
            listening.type("q");
            assertThat(listening.waitFor(WAIT)).isZero();
        }
    }
}
