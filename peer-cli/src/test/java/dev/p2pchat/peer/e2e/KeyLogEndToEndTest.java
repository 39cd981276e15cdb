package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.identity.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key log end to end, with the real directory in this JVM: every lookup is proven, an honest
 * {@code rotate-key} is followed by a peer that knew the old key (one line saying so), and a
 * reset (a login with a new key, no signature) is refused loudly.
 */
class KeyLogEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Directory directory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDirectory() {
        directory = Directory.start();
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    private Peer user(String name) {
        Peer peer = new Peer(name, tmp.resolve(name), directory.url());
        assertThat(peer.registerAndLogin().exit()).isZero();
        return peer;
    }

    private static Peer.Running listen(Peer peer) throws Exception {
        Peer.Running listening = peer.start("listen", "--once");
        await().atMost(WAIT).until(() -> listening.err().contains("Online as") || listening.exit().isDone());
        assertThat(listening.err()).contains("Online as " + peer.name());
        return listening;
    }

    /** {@code from} chats with {@code to} (listening once) and closes; returns the chat's result. */
    private static Peer.Result chatOnce(Peer from, Peer to) throws Exception {
        Peer.Running listening = listen(to);
        Peer.Result chat = from.run("hi\nclose\n", "chat", to.name());
        if (chat.exit() == 0) {
            assertThat(listening.waitFor(WAIT)).isZero();
        } else {
            listening.type("/quit");
            listening.waitFor(WAIT);
        }
        return chat;
    }

    private static String knownKey(Peer peer, String name) throws Exception {
        for (String line : Files.readAllLines(peer.home().resolve("known_peers"))) {
            String[] fields = line.split(" ");
            if (fields[0].equals(name)) {
                return fields[1];
            }
        }
        return null;
    }

    @Test
    void lookupsAreProvenAndAnHonestRotationIsFollowed() throws Exception {
        Peer alice = user("kla");
        Peer bob = user("klb");
        assertThat(chatOnce(alice, bob).exit()).isZero();
        String oldKey = Identity.loadOrCreate(bob.home()).fingerprint();
        assertThat(knownKey(alice, "klb")).isEqualTo(oldKey);
        Peer.Result lookup = alice.run("", "lookup", "klb");
        assertThat(lookup.out()).contains("key log:     proven (first");

        Peer.Result rotate = bob.run("", "rotate-key");
        assertThat(rotate.exit()).as(rotate.err()).isZero();
        assertThat(rotate.err()).contains("The directory's key log has the rotation as entry #");
        String newKey = Identity.loadOrCreate(bob.home()).fingerprint();
        assertThat(newKey).isNotEqualTo(oldKey);

        Peer.Result chat = chatOnce(alice, bob);

        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(chat.err()).contains("klb rotated their identity key (a rotation signed by the key you knew");
        assertThat(knownKey(alice, "klb")).isEqualTo(newKey);
        Peer.Result keys = alice.run("", "keys", "klb");
        assertThat(keys.out()).contains("first key").contains("rotation, signed by the previous key  (known_peers)");
        // bob logs in again with the new key: not a reset
        assertThat(bob.run("klb password\n", "login", "-u", "klb", "--password-stdin").exit()).isZero();
        assertThat(alice.run("", "keys", "klb").out()).doesNotContain("RESET");
    }

    @Test
    void aResetIsShownLoudlyAndRefused() throws Exception {
        Peer alice = user("klc");
        Peer carol = user("kld");
        assertThat(chatOnce(alice, carol).exit()).isZero();
        String oldKey = knownKey(alice, "kld");

        // carol lost her laptop: a new identity, logged in without a signature from the old key
        Files.delete(carol.home().resolve(Identity.KEY_FILE));
        Files.delete(carol.home().resolve(Identity.CERTIFICATE_FILE));
        assertThat(carol.run("kld password\n", "login", "-u", "kld", "--password-stdin").exit()).isZero();

        Peer.Result chat = chatOnce(alice, carol);

        assertThat(chat.exit()).as(chat.err()).isEqualTo(8);
        assertThat(chat.err()).contains("the identity key of 'kld' was RESET at ").contains("NOT signed by the old one");
        assertThat(knownKey(alice, "kld")).isEqualTo(oldKey);
        assertThat(alice.run("", "keys", "kld").out()).contains("RESET: not signed by the previous key");
    }
}
