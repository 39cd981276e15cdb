package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.identity.Identity;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two peers with their own homes, a real directory on a random port, chat over loopback: what a
 * user does following the README, and what must be refused.
 */
class ChatEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
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

    private Peer.Running listen(Peer peer, String... extra) throws Exception {
        String[] args = new String[extra.length + 1];
        args[0] = "listen";
        System.arraycopy(extra, 0, args, 1, extra.length);
        Peer.Running listening = peer.start(args);
        await().atMost(WAIT).until(() -> listening.err().contains("Online as") || listening.exit().isDone());
        assertThat(listening.err()).contains("Online as " + peer.name());
        return listening;
    }

    @Test
    void messagesFlowBothWaysAndCloseEndsBothSides() throws Exception {
        Peer.Running bobListens = listen(bob, "--once");
        Peer.Running aliceChats = alice.start("chat", bob.name());
        await().atMost(WAIT).until(() -> bobListens.err().contains(alice.name() + " connected"));

        aliceChats.type("hi bob, it's me");
        await().atMost(WAIT).until(() -> bobListens.out().contains(alice.name() + ": hi bob, it's me"));
        bobListens.type("hello alice ✓");
        await().atMost(WAIT).until(() -> aliceChats.out().contains(bob.name() + ": hello alice ✓"));
        assertThat(aliceChats.out()).matches("(?s)\\[\\d\\d:\\d\\d:\\d\\d] " + bob.name() + ": hello alice ✓\\R");

        aliceChats.type("close");
        assertThat(aliceChats.waitFor(WAIT)).isZero();
        assertThat(bobListens.waitFor(WAIT)).as("listen --once ends with the first session").isZero();
        assertThat(bobListens.err()).contains(alice.name() + " closed the chat");
        assertThat(Files.readString(alice.home().resolve("known_peers"))).contains(bob.name().toLowerCase());
    }

    @Test
    void aScriptWithPipedInputSendsAndEndsCleanly() throws Exception {
        Peer.Running bobListens = listen(bob, "--once");

        Peer.Result chat = alice.run("hi\nsecond line\nclose\n", "chat", bob.name());

        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bobListens.out()).contains(alice.name() + ": hi").contains(alice.name() + ": second line");
        assertThat(chat.out()).as("nothing but received messages on stdout").isEmpty();
    }

    @Test
    void theEndOfPipedInputEndsTheChatAfterEverythingWasSent() throws Exception {
        Peer.Running bobListens = listen(bob, "--once");

        Peer.Result chat = alice.run("one\ntwo\nthree\n", "chat", bob.name());

        assertThat(chat.exit()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bobListens.out()).containsSubsequence(": one", ": two", ": three");
    }

    @Test
    void theChatGoesOnWhenTheDirectoryStops() throws Exception {
        try (Directory own = Directory.start()) {
            Peer carol = new Peer("carol", tmp.resolve("carol"), own.url());
            Peer dave = new Peer("dave", tmp.resolve("dave"), own.url());
            assertThat(carol.registerAndLogin().exit()).isZero();
            assertThat(dave.registerAndLogin().exit()).isZero();
            Peer.Running daveListens = listen(dave, "--once");
            Peer.Running carolChats = carol.start("chat", "dave");
            await().atMost(WAIT).until(() -> daveListens.err().contains("carol connected"));

            own.close();

            carolChats.type("the directory is gone");
            await().atMost(WAIT).until(() -> daveListens.out().contains("carol: the directory is gone"));
            daveListens.type("and we still talk");
            await().atMost(WAIT).until(() -> carolChats.out().contains("dave: and we still talk"));
            carolChats.type("close");
            assertThat(carolChats.waitFor(WAIT)).isZero();
            assertThat(daveListens.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void aListenerPresentingAnotherKeyThanTheDirectorysIsRefused() throws Exception {
        // bob's key changes after his login: the directory still vouches for the old one
        Files.delete(bob.home().resolve(Identity.KEY_FILE));
        Files.delete(bob.home().resolve(Identity.CERTIFICATE_FILE));
        Peer.Running bobListens = listen(bob);

        Peer.Result chat = alice.run("hi\n", "chat", bob.name());

        assertThat(chat.exit()).isEqualTo(8);
        assertThat(chat.err()).contains("REFUSED").contains("is not " + bob.name());
        assertThat(bobListens.out()).isEmpty();
        bobListens.type("q");
        assertThat(bobListens.waitFor(WAIT)).isZero();
    }

    @Test
    void aKnownPeerWithANewKeyIsRefusedEvenWhenTheDirectoryAgrees() throws Exception {
        Peer.Running first = listen(bob, "--once");
        Peer.Result hello = alice.run("hello\nclose\n", "chat", bob.name());
        assertThat(hello.exit()).as(hello.err()).isZero();
        assertThat(first.waitFor(WAIT)).isZero();

        Files.delete(bob.home().resolve(Identity.KEY_FILE));
        Files.delete(bob.home().resolve(Identity.CERTIFICATE_FILE));
        assertThat(bob.run(bob.name() + " password\n", "login", "-u", bob.name(), "--password-stdin").exit()).isZero();
        Peer.Running second = listen(bob);

        Peer.Result chat = alice.run("hi again\n", "chat", bob.name());

        assertThat(chat.exit()).isEqualTo(8);
        assertThat(chat.err()).contains("has CHANGED").contains("known_peers");
        second.type("q");
        assertThat(second.waitFor(WAIT)).isZero();
    }

    @Test
    void aDialerWhoseKeyDiffersFromItsKnownOneIsRefusedByTheListener() throws Exception {
        Peer.Running first = listen(bob, "--once");
        Peer.Result hello = alice.run("hello\nclose\n", "chat", bob.name());
        assertThat(hello.exit()).as(hello.err()).isZero();
        assertThat(first.waitFor(WAIT)).isZero();
        Files.delete(alice.home().resolve(Identity.KEY_FILE));
        Files.delete(alice.home().resolve(Identity.CERTIFICATE_FILE));
        assertThat(alice.run(alice.name() + " password\n", "login", "-u", alice.name(), "--password-stdin").exit())
                .isZero();
        Peer.Running second = listen(bob);

        Peer.Result chat = alice.run("hi again\n", "chat", bob.name());

        assertThat(chat.exit()).isEqualTo(8);
        assertThat(chat.err()).contains("refused");
        await().atMost(WAIT).until(() -> second.err().contains("has CHANGED"));
        second.type("q");
        assertThat(second.waitFor(WAIT)).isZero();
    }

    @Test
    void lookupJsonShowsWhatAPeerAdvertisedAndWhatKnownPeersSays() throws Exception {
        Peer.Running bobListens = listen(bob, "--once");
        Peer.Result before = alice.run("", "lookup", bob.name(), "--json");
        assertThat(alice.run("hi\nclose\n", "chat", bob.name()).exit()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();
        Peer.Result after = alice.run("", "lookup", bob.name(), "--json");

        var mapper = tools.jackson.databind.json.JsonMapper.builder().build();
        var first = mapper.readTree(before.out());
        assertThat(first.properties().stream().map(java.util.Map.Entry::getKey).toList()).containsExactly(
                "username", "online", "host", "port", "fingerprint", "lastSeen", "signal", "addresses", "knownPeers",
                "verified", "keyLog");
        assertThat(first.get("online").asBoolean()).isTrue();
        assertThat(first.get("knownPeers").asString()).isEqualTo("unknown");
        assertThat(mapper.readTree(after.out()).get("knownPeers").asString()).isEqualTo("chosen");
    }

    @Test
    void talkingToAnOfflineOrUnknownUserFailsCleanly() {
        Peer.Result offline = alice.run("", "chat", bob.name());
        assertThat(offline.exit()).isEqualTo(6);
        assertThat(offline.err().strip()).isEqualTo("p2pchat: " + bob.name() + " is offline");

        Peer.Result unknown = alice.run("", "chat", "nobody");
        assertThat(unknown.exit()).isEqualTo(6);
        assertThat(unknown.err().strip()).isEqualTo("p2pchat: no such user 'nobody'");
    }

    @Test
    void aSilentTcpClientDoesNotBlockARealPeer() throws Exception {
        Peer.Running bobListens = listen(bob, "--once");
        Matcher port = PORT.matcher(bobListens.err());
        assertThat(port.find()).isTrue();
        try (Socket silent = new Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
            OutputStream ignored = silent.getOutputStream();
            Peer.Result chat = alice.run("despite the silent one\nclose\n", "chat", bob.name());
            assertThat(chat.exit()).as(chat.err()).isZero();
            assertThat(bobListens.waitFor(WAIT)).isZero();
            assertThat(bobListens.out()).contains(alice.name() + ": despite the silent one");
        }
    }

    @Test
    void aFileIsSentVerifiedAndSavedInTheDownloadsFolder() throws Exception {
        // without a terminal a listener takes files only from peers it already knew: alice is new to bob
        Peer.Running bobListens = listen(bob, "--once", "--accept", "auto");
        Path file = tmp.resolve("report final.pdf");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(content);
        Files.write(file, content);

        Peer.Result sent = alice.run("", "send", bob.name(), file.toString());

        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.err()).contains("SHA-256 verified by the receiver");
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bob.home().resolve("downloads/report final.pdf")).hasBinaryContent(content);
    }

    @Test
    void aFolderArrivesWithItsStructureAndSendJsonGivesAVerdictPerFile() throws Exception {
        Peer.Running bobListens = listen(bob, "--once", "--accept", "auto");
        Path top = tmp.resolve("outbox/project");
        Files.createDirectories(top.resolve("src/main"));
        Files.createDirectories(top.resolve("empty"));
        Files.writeString(top.resolve("README.md"), "read me");
        Files.writeString(top.resolve("src/main/App.java"), "class App {}");
        Files.createSymbolicLink(top.resolve("link"), top.resolve("README.md"));

        Peer.Result sent = alice.run("", "send", "--json", bob.name(), top.toString());

        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.err()).contains("not sending 'project/link': a symbolic link: not followed");
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(sent.out());
        assertThat(json.get("peer").stringValue()).isEqualTo(bob.name());
        assertThat(json.get("confirmed").intValue()).isEqualTo(3);
        assertThat(json.get("failed").intValue()).isZero();
        assertThat(json.get("files")).extracting(f -> f.get("path").stringValue())
                .containsExactly("project/README.md", "project/empty", "project/src/main/App.java");
        assertThat(json.get("files")).allSatisfy(f -> assertThat(f.get("ok").booleanValue()).isTrue());
        assertThat(json.get("skipped").get(0).get("path").stringValue()).isEqualTo("project/link");
        assertThat(bobListens.waitFor(WAIT)).isZero();
        Path downloads = bob.home().resolve("downloads");
        assertThat(downloads.resolve("project/README.md")).hasContent("read me");
        assertThat(downloads.resolve("project/src/main/App.java")).hasContent("class App {}");
        assertThat(downloads.resolve("project/empty")).isEmptyDirectory();
        assertThat(downloads.resolve("project/link")).doesNotExist();
    }

    @Test
    void sendingToAPeerThatRefusesFilesExits9() throws Exception {
        Peer.Running bobListens = listen(bob, "--once", "--accept", "no");
        Path file = tmp.resolve("note.txt");
        Files.writeString(file, "hello");

        Peer.Result sent = alice.run("", "send", bob.name(), file.toString());

        assertThat(sent.exit()).isEqualTo(9);
        assertThat(sent.err()).contains("does not accept files");
        assertThat(bobListens.waitFor(WAIT)).isZero();
    }
}
