package dev.p2pchat.peer.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection ladder in the NAT lab (docs/RELIABILITY.md, "Behind NATs"): for each topology
 * the real peers connect, and the rung that won is read from {@code --explain} and from the
 * "Connected to" line; then a chat line goes each way and a file each way, checked byte for byte
 * at the far end. Run with {@code ./mvnw -pl directory-service,peer-cli verify -Pnat-it}
 * (root; see .ci/run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatLadderIT {

    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");

    private NatLab lab;
    private LabUser alice;
    private LabUser bob;
    private LabUser carol;

    @BeforeAll
    void buildTheLab(@TempDir Path work) throws Exception {
        lab = NatLab.open(work);
        lab.sides("cone", "cone");
        alice = new LabUser(lab, "alice", "peerA");
        bob = new LabUser(lab, "bob", "peerB");
        carol = new LabUser(lab, "carol", "peerC"); // behind the same NAT as alice
        alice.registerAndLogin();
        bob.registerAndLogin();
        carol.registerAndLogin();
    }

    @AfterAll
    void tearDownTheLab() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void publicPeersConnectDirectly() throws Exception {
        lab.sides("public", "public");
        String explain = converse("open", alice, bob);
        // alice's direct dial and bob's dial-back both start at once and both reach: whichever
        // finishes TLS first wins (on a loaded machine, either); it is never a punch or the relay
        assertThat(explain).containsPattern("explain: (direct|dial-back) 192\\.0\\.2\\.2:\\d+ ok in \\d+ ms: "
                        + "this path won")
                .containsPattern("Connected to bob at 192\\.0\\.2\\.2:\\d+ \\((direct|reverse), key");
    }

    @Test
    void aListenerBehindAConeNatDialsBackToAPublicDialer() throws Exception {
        lab.sides("public", "cone");
        String explain = converse("reverse", alice, bob);
        assertThat(explain).containsPattern("explain: dial-back 203\\.0\\.113\\.2:\\d+ ok in \\d+ ms: this path won")
                .containsPattern("\\(reverse, key");
    }

    @Test
    void twoConeNatsArePunchedThrough() throws Exception {
        lab.sides("cone", "cone");
        String explain = converse("punch", alice, bob);
        assertPunched(explain);
    }

    @Test
    void twoConeNatsArePunchedThroughWhenOneSideDialsLate() throws Exception {
        lab.sides("cone", "cone");
        String explain = converse("late", alice, bob, "--punch-delay", "700");
        assertPunched(explain);
    }

    @Test
    void aSymmetricNatIsRelayed() throws Exception {
        lab.sides("symmetric", "cone");
        String explain = converse("symmetric", alice, bob);
        assertRelayed(explain);
    }

    @Test
    void natsThatResetUnsolicitedConnectionsAreRelayed() throws Exception {
        lab.sides("rst", "rst");
        String explain = converse("rst", alice, bob);
        assertRelayed(explain);
    }

    @Test
    void peersThatCanReachOnlyTheDirectoryHostAreRelayed() throws Exception {
        lab.sides("directory-only", "directory-only");
        String explain = converse("dironly", alice, bob);
        assertRelayed(explain);
        // the ladder did try other ways, and both home firewalls (not only the far NAT) stopped them
        assertThat(lab.droppedOutbound("natA")).as("packets natA kept from leaving for anywhere but the directory host")
                .isPositive();
        assertThat(lab.droppedOutbound("natB")).as("packets natB kept from leaving for anywhere but the directory host")
                .isPositive();
    }

    @Test
    void peersBehindTheSameNatConnectOverTheirHomeNetwork() throws Exception {
        lab.sides("cone", "cone");
        String explain = converse("samenat", alice, carol);
        // alice dials carol's home address while carol dials back to alice's: both are the home
        // network, never the NAT's outside address or the relay; whichever finishes TLS first wins
        assertThat(explain).containsPattern("explain: (direct|dial-back) 198\\.51\\.100\\.3:\\d+ ok in \\d+ ms: "
                        + "this path won")
                .containsPattern("Connected to carol at 198\\.51\\.100\\.3:\\d+ \\((direct|reverse), key");
    }

    private static void assertPunched(String explain) {
        assertThat(explain).containsPattern("explain: hole punch 203\\.0\\.113\\.2:\\d+ \\(attempt [123]\\) ok in \\d+ ms: "
                        + "this path won")
                .containsPattern("Connected to bob at 203\\.0\\.113\\.2:\\d+ \\(punched, key");
    }

    private static void assertRelayed(String explain) {
        assertThat(explain).containsPattern("explain: relay 203\\.0\\.113\\.10:\\d+ ok in \\d+ ms: this path won")
                .containsPattern("Connected to bob at 203\\.0\\.113\\.10:\\d+ \\(relayed, key")
                .doesNotContainPattern("(direct|dial-back|hole punch) \\S+( \\(attempt \\d\\))? ok in");
    }

    /**
     * The listener goes online, the dialer chats with {@code --explain}: one line each way, one
     * file each way (checked against the original at the receiver), then close. Returns the
     * dialer's stderr.
     */
    private String converse(String topology, LabUser dialer, LabUser listener, String... dialOptions) throws Exception {
        Path toListener = randomFile(dialer, topology + "-to-" + listener.name() + ".bin", 1);
        Path toDialer = randomFile(listener, topology + "-to-" + dialer.name() + ".bin", 2);
        try (LabUser.Running listening = listener.start("listen", "--once", "--accept", "auto")) {
            String online = listening.awaitErr("Online as");
            Matcher port = PORT.matcher(online);
            assertThat(port.find()).as("the listener came online: " + online).isTrue();
            awaitSignal(dialer, listener, port.group(1));

            List<String> args = new ArrayList<>(List.of("chat", listener.name(), "--explain", "--accept", "auto"));
            args.addAll(List.of(dialOptions));
            try (LabUser.Running chat = dialer.start(args.toArray(String[]::new))) {
                assertThat(chat.awaitErr("Connected to " + listener.name())).as("connected")
                        .contains("Connected to " + listener.name());

                chat.line("hello " + listener.name() + " via " + topology);
                assertThat(listening.awaitOut("hello " + listener.name() + " via " + topology))
                        .contains(dialer.name() + ": hello " + listener.name() + " via " + topology);
                listening.line("hello " + dialer.name() + " back");
                assertThat(chat.awaitOut("hello " + dialer.name() + " back"))
                        .contains(listener.name() + ": hello " + dialer.name() + " back");

                chat.line("/send " + toListener);
                assertThat(chat.awaitErr("Sent '" + toListener.getFileName() + "'")).contains("SHA-256 verified by the receiver");
                listening.line("/send " + toDialer);
                assertThat(listening.awaitErr("Sent '" + toDialer.getFileName() + "'")).contains("SHA-256 verified by the receiver");

                chat.line("close");
                assertThat(chat.waitFor(LabUser.WAIT)).as(chat.err()).isZero();
                assertThat(listening.waitFor(LabUser.WAIT)).as(listening.err()).isZero();
                assertThat(listener.home().resolve("downloads").resolve(toListener.getFileName()))
                        .hasSameBinaryContentAs(toListener);
                assertThat(dialer.home().resolve("downloads").resolve(toDialer.getFileName()))
                        .hasSameBinaryContentAs(toDialer);
                return chat.err();
            }
        }
    }

    /** Until the directory says the listener is online on this port with its signalling channel open. */
    private static void awaitSignal(LabUser dialer, LabUser listener, String port) {
        await().atMost(LabUser.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String json = dialer.run("", "lookup", listener.name(), "--json").out();
            return json.contains("\"signal\":true") && json.contains("\"port\":" + port + ",");
        });
    }

    private static Path randomFile(LabUser owner, String name, long seed) throws IOException {
        byte[] content = new byte[256 * 1024 + 17];
        new Random(seed).nextBytes(content);
        Path folder = Files.createDirectories(owner.home().resolve("outbox"));
        return Files.write(folder.resolve(name), content);
    }
}
