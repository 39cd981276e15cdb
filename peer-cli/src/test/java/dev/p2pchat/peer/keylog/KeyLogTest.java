package dev.p2pchat.peer.keylog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.directory.SignalChannel;
import dev.p2pchat.peer.directory.Signal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The key log checks against an in-memory directory serving a {@link TestLog}: heads from peers (fork detection) and the parsers' refusals. */
class KeyLogTest {

    private static final String ALICE = "a1".repeat(32);
    private static final String BOB = "b0".repeat(32);

    @TempDir
    Path home;

    /** The log's API from a TestLog; every other call is not this test's business. */
    private static final class LogDirectory implements Directory {
        volatile TestLog log;

        @Override
        public URI base() {
            return URI.create("http://directory.test");
        }

        @Override
        public byte[] logKey() {
            return log.wellKnown().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] logConsistency(long from, long to) throws DirectoryException {
            if (from < 1 || to < from || to > log.size()) {
                throw new DirectoryException(DirectoryException.Kind.INVALID, "invalid request: no such sizes");
            }
            return log.consistency((int) from, (int) to).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] keyHistory(String username) {
            return log.history(username).getBytes(StandardCharsets.UTF_8);
        }

        Peer answer(String name, String fingerprint) {
            return new Peer(name, true, "192.0.2.1", 4000, fingerprint, null, null, null,
                    log.proof(name).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String register(String username, char[] password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Session login(String username, char[] password, String fingerprint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void logout(String token) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Presence publish(String token, int port, List<Signal.Candidate> addresses) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void goOffline(String token) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PeerPage peers(String token, int limit, String after) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Peer lookup(String token, String username) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] rotateKey(String token, String fingerprint, String certificate, String signature) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SignalChannel signals(String token, boolean listening, SignalChannel.Handler handler) {
            throw new UnsupportedOperationException();
        }
    }

    private final LogDirectory directory = new LogDirectory();

    private KeyLog keyLog() {
        return new KeyLog(() -> directory, new LogStore(home), null);
    }

    private static Head head(TestLog log) throws KeyLogException {
        return KeyLogJson.head(log.head().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPeersHeadFromTheSameLogIsConsistentEitherWay() throws Exception {
        TestLog log = new TestLog().first("alice", ALICE);
        directory.log = log;
        keyLog().check("alice", directory.answer("alice", ALICE));
        Head older = head(log);
        log.first("bob", BOB).first("carol", "c0".repeat(32));

        // a peer ahead of us, then behind us
        assertThat(keyLog().compare(log.fingerprint(), head(log)).kind()).isEqualTo(KeyLog.PeerHeadKind.CONSISTENT);
        keyLog().check("bob", directory.answer("bob", BOB));
        assertThat(keyLog().compare(log.fingerprint(), older).kind()).isEqualTo(KeyLog.PeerHeadKind.CONSISTENT);
    }

    @Test
    void aPeerShownAnotherHistoryIsAFork() throws Exception {
        TestLog mine = new TestLog().first("alice", ALICE).first("bob", BOB);
        directory.log = mine;
        keyLog().check("alice", directory.answer("alice", ALICE));
        // the other peer's view: the same key, but bob's entry is missing (an attacker's in its place)
        TestLog theirs = mine.sameKey().rewrite(1, "6d".repeat(32));

        KeyLog.PeerHead sameSize = keyLog().compare(mine.fingerprint(), head(theirs));
        assertThat(sameSize.kind()).isEqualTo(KeyLog.PeerHeadKind.FORK);
        assertThat(sameSize.why()).contains("same size with different roots");
        assertThat(sameSize.ours().size()).isEqualTo(2);
        assertThat(sameSize.theirs().size()).isEqualTo(2);

        theirs.first("carol", "c0".repeat(32)); // larger: the directory cannot prove it extends ours
        KeyLog.PeerHead larger = keyLog().compare(mine.fingerprint(), head(theirs));
        assertThat(larger.kind()).isEqualTo(KeyLog.PeerHeadKind.FORK);
        // nothing of theirs was kept
        assertThat(keyLog().ours().orElseThrow().head().size()).isEqualTo(2);
    }

    @Test
    void headsOfAnotherLogOrWithABadSignatureAreNotCompared() throws Exception {
        TestLog mine = new TestLog().first("alice", ALICE);
        directory.log = mine;
        assertThat(keyLog().compare(mine.fingerprint(), head(mine)).kind()).isEqualTo(KeyLog.PeerHeadKind.UNCHECKED);
        keyLog().check("alice", directory.answer("alice", ALICE));

        TestLog other = mine.otherKey();
        assertThat(keyLog().compare(other.fingerprint(), head(other)).kind()).isEqualTo(KeyLog.PeerHeadKind.OTHER_LOG);
        assertThat(keyLog().compare(mine.fingerprint(), head(other)).kind()).isEqualTo(KeyLog.PeerHeadKind.UNCHECKED);
    }

    @Test
    void theStoredStateIsReadAsHostileInput() throws Exception {
        TestLog log = new TestLog().first("alice", ALICE);
        directory.log = log;
        keyLog().check("alice", directory.answer("alice", ALICE));
        java.nio.file.Files.writeString(new LogStore(home).file(directory.base()), "{\"directory\":1}");

        assertThatThrownBy(() -> keyLog().check("alice", directory.answer("alice", ALICE)))
                .isInstanceOf(KeyLogException.class).hasMessageContaining("is damaged")
                .hasMessageContaining("p2pchat log forget");
        assertThat(keyLog().forget()).isTrue();
        assertThat(keyLog().check("alice", directory.answer("alice", ALICE)).logged()).isTrue();
    }

    @Test
    void malformedProofsAreRefusedWithTheFieldNamed() throws Exception {
        TestLog log = new TestLog().first("alice", ALICE).first("bob", BOB);
        String proof = log.proof("alice");
        String[][] cases = {
                {proof.replace("\"index\":0", "\"index\":-1"), "keyLog.entry.index"},
                {proof.replace("\"index\":0", "\"index\":9223372036854775808"), "keyLog.entry.index"},
                {proof.replace("\"index\":0", "\"index\":0.0"), "keyLog.entry.index"},
                {proof.replace("\"index\":0", "\"index\":\"0\""), "keyLog.entry.index"},
                {proof.replace("\"kind\":\"first\"", "\"kind\":\"FIRST\""), "keyLog.entry.kind"},
                {proof.replace("\"username\":\"alice\"", "\"username\":\"Alice\""), "lower-case username"},
                {proof.replace(ALICE, ALICE.toUpperCase()), "keyLog.entry.fingerprint"},
                {proof.replace("\"inclusion\":[\"", "\"inclusion\":[\"X"), "keyLog.inclusion[0]"},
                {proof.replace("\"inclusion\":[", "\"inclusion\":[" + "\"00\",".repeat(0) + hashes(65) + ","),
                        "of 66 hashes (at most 64)"},
                {proof.replace("\"signature\":\"", "\"signature\":\"%"), "keyLog.head.signature"},
                {proof.replace("\"signature\":\"", "\"signature\":\"AA"), "keyLog.head.signature that is not base64"},
                {proof.replace("\"previous\":null", "\"previous\":\"" + BOB + "\""), "a first key with a previous key"},
                {proof.replace("{\"entry\"", "{\"entry\":{},\"entry\""), "not JSON"},
                {proof + " x", "not JSON"},
                {"[]", "not a JSON object"},
                {"{}", "keyLog without entry"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> KeyLogJson.proof(c[0].getBytes(StandardCharsets.UTF_8))).as(c[1])
                    .isInstanceOf(KeyLogException.class).hasMessageContaining(c[1])
                    .hasMessageStartingWith("key log: the directory sent ");
        }
        assertThat(KeyLogJson.proof(proof.getBytes(StandardCharsets.UTF_8)).entry().fingerprint()).isEqualTo(ALICE);
        // "AB==" decodes (the spare bits are ignored) but is not how those bytes are written
        assertThatThrownBy(() -> KeyLogJson.decodeCanonical("AB==", "x")).hasMessageContaining("not canonical base64");
        assertThat(KeyLogJson.decodeCanonical("AA==", "x")).containsExactly(0);
        assertThatThrownBy(() -> KeyLogJson.proof(new byte[] {(byte) 0xff, '{', '}'}))
                .hasMessageContaining("not UTF-8");
    }

    private static String hashes(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "\"" + "00".repeat(32) + "\""));
    }

    @Test
    void theLeafBytesAreTheSpecs() throws Exception {
        Entry entry = new Entry(7, "alice", Entry.Kind.RESET, ALICE, BOB, 1234, null, null);
        assertThat(new String(entry.leafBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "p2pchat-key-log-entry/1\n7\nalice\nreset\n" + ALICE + "\n" + BOB + "\n1234\n\n\n");
        assertThat(JsonMapper.builder().build().readTree(new TestLog().first("alice", ALICE).entry(0)).get("kind")
                .asString()).isEqualTo("first");
    }
}
