package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.command.Home;
import dev.p2pchat.peer.identity.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code p2pchat verify}: two people who pinned each other's keys see the same 60 digits, and
 * confirming marks the peer verified in known_peers (no directory needed for a pinned peer).
 */
class SafetyNumberEndToEndTest {

    private static final Pattern NUMBER = Pattern.compile("((\\d{5} ){11}\\d{5})");

    @TempDir
    Path tmp;

    private Peer user(String name) throws Exception {
        Path home = tmp.resolve(name);
        Identity.loadOrCreate(home);
        new Home(home).saveSession(new Home.SavedSession("http://127.0.0.1:9", name, "t".repeat(43),
                Instant.now().plus(1, ChronoUnit.HOURS)));
        return new Peer(name, home, "http://127.0.0.1:9");
    }

    private static String number(Peer.Result result) {
        Matcher matcher = NUMBER.matcher(result.out());
        assertThat(matcher.find()).as(result.out() + result.err()).isTrue();
        return matcher.group(1);
    }

    @Test
    void bothSidesSeeTheSameNumberAndConfirmingMarksThePeerVerified() throws Exception {
        Peer alice = user("alice");
        Peer bob = user("bob");
        String aliceKey = Identity.loadOrCreate(alice.home()).fingerprint();
        String bobKey = Identity.loadOrCreate(bob.home()).fingerprint();
        Files.writeString(alice.home().resolve("known_peers"), "bob " + bobKey + "\n");
        Files.writeString(bob.home().resolve("known_peers"), "Alice " + aliceKey + "\n");

        Peer.Result fromAlice = alice.run("no\n", "verify", "bob");
        Peer.Result fromBob = bob.run("yes\n", "verify", "ALICE");

        assertThat(fromAlice.exit()).as(fromAlice.err()).isZero();
        assertThat(number(fromAlice)).isEqualTo(number(fromBob));
        assertThat(fromAlice.err()).contains("Not marked verified.");
        assertThat(Files.readString(alice.home().resolve("known_peers"))).isEqualTo("bob " + bobKey + "\n");
        assertThat(fromBob.err()).contains("ALICE is now verified in known_peers.");
        assertThat(Files.readString(bob.home().resolve("known_peers"))).contains("alice " + aliceKey + " verified");

        // another key for bob gives another number
        Files.writeString(alice.home().resolve("known_peers"), "bob " + "0f".repeat(32) + "\n");
        assertThat(number(alice.run("", "verify", "bob"))).isNotEqualTo(number(fromBob));
    }
}
