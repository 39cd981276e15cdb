package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.p2pchat.peer.command.Home;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.keylog.TestLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory that lies about keys, with a key log to prove it: a small HTTP server in this test
 * serves the real API shape (lookup with keyLog, the well-known log key, consistency proofs, key
 * histories) from a {@link TestLog} the test builds, with a lie in it. Each lie must be refused
 * with exit status 10 and one line naming what failed, before anything is dialed (a bait socket
 * stands where the directory says alice is) and without a change to known_peers. An honest
 * rotation passes, and a reset is refused loudly.
 */
class KeyLogLyingDirectoryTest {

    private static final String ALICE_KEY = "a1".repeat(32);
    private static final String BOB_KEY = "b0".repeat(32);
    private static final String ATTACKER_KEY = "6d".repeat(32);
    private static final Pattern RANGE = Pattern.compile("from=(\\d+)&to=(\\d+)");

    @TempDir
    Path tmp;

    private HttpServer directory;
    private ServerSocket bait;
    private final AtomicInteger dialed = new AtomicInteger();
    private final AtomicInteger rotations = new AtomicInteger();
    /** The directory takes the rotation, then its answer is lost (a 500 instead). */
    private volatile boolean loseAnswer;
    /** The directory takes no rotation at all, and answers 500. */
    private volatile boolean takeNothing;
    /** The fingerprint the last login presented. */
    private volatile String loggedInWith;
    /** What the directory serves its log from, and the lookup answer for alice. */
    private volatile TestLog log;
    private volatile String lookup;
    private Peer me;

    @BeforeEach
    void start() throws IOException {
        bait = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!bait.isClosed()) {
                try (Socket ignored = bait.accept()) {
                    dialed.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "bait");
        accepting.setDaemon(true);
        accepting.start();

        directory = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        directory.createContext("/api/v1/peers/", exchange -> answer(exchange, 200, lookup));
        directory.createContext("/.well-known/p2pchat-log-key", exchange -> answer(exchange, 200, log.wellKnown()));
        directory.createContext("/api/v1/log/consistency", exchange -> {
            Matcher range = RANGE.matcher(exchange.getRequestURI().getQuery());
            int from = range.find() ? Integer.parseInt(range.group(1)) : -1;
            int to = from < 0 ? -1 : Integer.parseInt(range.group(2));
            if (from < 1 || to < from || to > log.size()) {
                answer(exchange, 400, "{\"title\":\"Bad Request\",\"detail\":\"no such sizes\"}");
            } else {
                answer(exchange, 200, log.consistency(from, to));
            }
        });
        directory.createContext("/api/v1/log/keys/", exchange -> answer(exchange, 200,
                log.history(exchange.getRequestURI().getPath().substring("/api/v1/log/keys/".length()))));
        directory.createContext("/api/v1/keys/current", exchange -> {
            var body = tools.jackson.databind.json.JsonMapper.builder().build().readTree(exchange.getRequestBody());
            if (rotations.getAndIncrement() > 0 || !"PUT".equals(exchange.getRequestMethod())) {
                answer(exchange, 400, "{\"title\":\"Bad Request\",\"detail\":\"refused\"}");
                return;
            }
            if (takeNothing) {
                rotations.set(0);
                answer(exchange, 500, "{\"title\":\"Internal Server Error\",\"detail\":\"down\"}");
                return;
            }
            log.rotationAsSent("mallory", body.get("fingerprint").asString(), body.get("certificate").asString(),
                    body.get("signature").asString());
            if (loseAnswer) {
                answer(exchange, 500, "{\"title\":\"Internal Server Error\",\"detail\":\"lost\"}");
                return;
            }
            answer(exchange, 200, log.proof("mallory"));
        });
        directory.createContext("/api/v1/sessions", exchange -> {
            var body = tools.jackson.databind.json.JsonMapper.builder().build().readTree(exchange.getRequestBody());
            loggedInWith = body.get("fingerprint").asString();
            answer(exchange, 201, "{\"token\":\"" + "t".repeat(43) + "\",\"username\":\"mallory\",\"expiresAt\":\""
                    + Instant.now().plus(1, ChronoUnit.HOURS) + "\"}");
        });
        directory.start();
        String url = "http://127.0.0.1:" + directory.getAddress().getPort();
        Path home = tmp.resolve("me");
        new Home(home).saveSession(new Home.SavedSession(url, "mallory", "t".repeat(43),
                Instant.now().plus(1, ChronoUnit.HOURS)));
        me = new Peer("mallory", home, url);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterEach
    void stop() throws IOException {
        directory.stop(0);
        bait.close();
    }

    /** The directory serves {@code served} and says alice has {@code key}, proven by alice's latest entry. */
    private void serve(TestLog served, String key) {
        log = served;
        lookup = served.lookup("alice", key, "127.0.0.1", bait.getLocalPort());
    }

    /** mallory looks alice up once through the honest log: the log key is pinned and the head kept. */
    private TestLog seenHonestLog() {
        TestLog honest = new TestLog().first("alice", ALICE_KEY).first("bob", BOB_KEY);
        serve(honest, ALICE_KEY);
        Peer.Result lookup = me.run("", "lookup", "alice");
        assertThat(lookup.exit()).as(lookup.err()).isZero();
        assertThat(lookup.out()).contains("key log:     proven (first, entry #0 of 2");
        return honest;
    }

    private void assertRefused(Peer.Result result, String named) throws IOException {
        assertThat(result.exit()).as(result.err()).isEqualTo(10);
        assertThat(result.err().lines()).as("one line, no stack trace").hasSize(1);
        assertThat(result.err()).contains("REFUSED").contains("key log").contains(named);
        assertThat(dialed).as("nothing was dialed").hasValue(0);
        assertThat(me.home().resolve("known_peers")).as("known_peers untouched").doesNotExist();
    }

    @Test
    void anHonestLogPassesAndIsKeptOwnerOnly() throws IOException {
        seenHonestLog();

        Path kept;
        try (var files = Files.list(me.home().resolve("key_logs"))) {
            kept = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(kept)).contains("\"size\":2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
    }

    @Test
    void aSwappedKeyWithoutALogEntryIsRefused() throws IOException {
        seenHonestLog();
        serve(log, ATTACKER_KEY); // the answer's key is not the one alice's log entry has

        assertRefused(me.run("", "chat", "alice"), "a key without a log entry");
    }

    @Test
    void aForgedEntryOutsideTheSignedTreeIsRefused() throws IOException {
        TestLog honest = seenHonestLog();
        // an entry for the attacker's key, with the honest inclusion proof: not in the signed tree
        lookup = honest.lookup("alice", ATTACKER_KEY, "127.0.0.1", bait.getLocalPort())
                .replace("\"fingerprint\":\"" + ALICE_KEY + "\"", "\"fingerprint\":\"" + ATTACKER_KEY + "\"");

        assertRefused(me.run("", "chat", "alice"), "inclusion proof");
    }

    @Test
    void aRewrittenOldEntryIsRefused() throws IOException {
        TestLog honest = seenHonestLog();
        // alice's old entry now names the attacker's key; the log grew by one to look like progress
        serve(honest.sameKey().rewrite(0, ATTACKER_KEY).first("carol", "c0".repeat(32)), ATTACKER_KEY);

        assertRefused(me.run("", "chat", "alice"), "not consistent");
    }

    @Test
    void aForkedLogWithAnEntryMissingIsRefused() throws IOException {
        TestLog honest = seenHonestLog();
        // another history of the same size, signed by the same key: bob's entry is missing from this view
        serve(honest.sameKey().rewrite(1, ATTACKER_KEY), ALICE_KEY);
        assertRefused(me.run("", "chat", "alice"), "same size with different roots");
    }

    @Test
    void aHeadThatIsNotAPrefixOfTheKeptOneIsRefused() throws IOException {
        seenHonestLog();
        // a smaller head that is not the start of the kept one: history rolled back and rewritten
        serve(new TestLog().sameKeyAs(log).first("alice", ATTACKER_KEY), ATTACKER_KEY);

        assertRefused(me.run("", "chat", "alice"), "not consistent");
    }

    @Test
    void aHeadSignedByAnotherKeyIsRefused() throws IOException {
        TestLog honest = seenHonestLog();
        serve(honest.otherKey(), ALICE_KEY);

        assertRefused(me.run("", "lookup", "alice"), "not signed by the log key");
    }

    @Test
    void aDirectoryThatStopsProvingIsRefused() throws IOException {
        seenHonestLog();
        lookup = lookup.substring(0, lookup.indexOf(",\"keyLog\"")) + "}";

        assertRefused(me.run("", "chat", "alice"), "sent no key log proof");
    }

    @Test
    void logForgetIsTheOnlyWayAround() throws IOException {
        TestLog honest = seenHonestLog();
        serve(honest.otherKey(), ALICE_KEY);
        assertThat(me.run("", "lookup", "alice").exit()).isEqualTo(10);

        Peer.Result forget = me.run("", "log", "forget");
        assertThat(forget.exit()).isZero();
        assertThat(forget.out()).contains("Forgot the key log of").contains("removed");

        Peer.Result again = me.run("", "lookup", "alice");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(me.run("", "log", "forget").out()).contains("Forgot");
        assertThat(me.run("", "log", "forget").out()).contains("Nothing was kept");
    }

    @Test
    void anHonestRotationPassesAndKnownPeersFollowsIt() throws Exception {
        Identity old = Identity.loadOrCreate(tmp.resolve("alice-old"));
        Identity next = Identity.loadOrCreate(tmp.resolve("alice-new"));
        Files.writeString(me.home().resolve("known_peers"), "alice " + old.fingerprint() + "\n");
        TestLog rotated = new TestLog().first("alice", old.fingerprint()).first("bob", BOB_KEY)
                .rotation("alice", old.privateKey(), old.certificate(), next.fingerprint());
        serve(rotated, next.fingerprint());

        Peer.Result chat = me.run("", "chat", "alice");

        assertThat(chat.err()).contains("alice rotated their identity key (a rotation signed by the key you knew,"
                + " key log entry #2)");
        assertThat(Files.readString(me.home().resolve("known_peers"))).contains("alice " + next.fingerprint())
                .doesNotContain(old.fingerprint());
        // the log's checks passed: the bait was dialed (it is not alice, so the chat itself fails)
        assertThat(chat.exit()).as(chat.err()).isEqualTo(7);
        assertThat(dialed.get()).isPositive();

        Peer.Result keys = me.run("", "keys", "alice");
        assertThat(keys.exit()).as(keys.err()).isZero();
        assertThat(keys.out()).contains("#0").contains("first key").contains("#2")
                .contains("rotation, signed by the previous key  (known_peers)");
    }

    @Test
    void rotateKeySignsWithTheOldKeyAndReplacesTheIdentityOnlyOnceTheDirectoryTookIt() throws Exception {
        Identity old = Identity.loadOrCreate(me.home());
        log = new TestLog().first("mallory", old.fingerprint());

        Peer.Result rotate = me.run("", "rotate-key");

        assertThat(rotate.exit()).as(rotate.err()).isZero();
        Identity current = Identity.loadOrCreate(me.home());
        assertThat(current.fingerprint()).isNotEqualTo(old.fingerprint());
        assertThat(rotate.err()).contains("key log has the rotation as entry #1");
        // what the directory logged is a valid rotation from the old key, anyone can check it
        Peer.Result keys = me.run("", "keys", "mallory");
        assertThat(keys.out()).contains("#1").contains("rotation, signed by the previous key");
        assertThat(me.home().resolve(Identity.NEXT_KEY_FILE)).doesNotExist();

        // the directory refuses the next one: the identity stays as it was
        Peer.Result refused = me.run("", "rotate-key");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).isEqualTo(current.fingerprint());
        assertThat(me.home().resolve(Identity.NEXT_KEY_FILE)).doesNotExist();
    }

    /** The review's finding: a lost answer once made rotate-key delete the key the directory now pins. */
    @Test
    void aRotationWhoseAnswerIsLostKeepsTheNewKeyAndTheNextRunFinishesIt() throws Exception {
        Identity old = Identity.loadOrCreate(me.home());
        log = new TestLog().first("mallory", old.fingerprint());
        loseAnswer = true;

        Peer.Result lost = me.run("", "rotate-key");

        assertThat(lost.exit()).isNotZero();
        assertThat(lost.err()).contains("run rotate-key again to finish");
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).as("still the old key").isEqualTo(old.fingerprint());
        Identity pending = Identity.pendingNext(me.home()).orElseThrow();

        // the directory did take it: the next run finds it in the log and finishes without sending again
        lookup = log.lookup("mallory", pending.fingerprint(), "127.0.0.1", bait.getLocalPort());
        Peer.Result finished = me.run("", "rotate-key");

        assertThat(finished.exit()).as(finished.err()).isZero();
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).isEqualTo(pending.fingerprint());
        assertThat(me.home().resolve(Identity.NEXT_KEY_FILE)).doesNotExist();
        assertThat(rotations.get()).as("the rotation was sent once").isEqualTo(1);
    }

    /** Logging in with the old key would make the directory log a reset back to it: the log settles it first. */
    @Test
    void aLoginWhileARotationIsUnfinishedFinishesItFromTheLogInsteadOfResettingTheKey() throws Exception {
        Identity old = Identity.loadOrCreate(me.home());
        log = new TestLog().first("mallory", old.fingerprint());
        loseAnswer = true;
        assertThat(me.run("", "rotate-key").exit()).isNotZero();
        Identity pending = Identity.pendingNext(me.home()).orElseThrow();

        Peer.Result login = me.run("pass word\n", "login", "-u", "mallory", "--password-stdin");

        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(loggedInWith).as("the key the log holds, not a reset to the old one").isEqualTo(pending.fingerprint());
        assertThat(login.err()).contains("Finished the key rotation");
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).isEqualTo(pending.fingerprint());
    }

    /** The directory never took it: the old key stays, and the same new key is sent again, never a second one. */
    @Test
    void aRotationTheDirectoryNeverTookIsSentAgainWithTheSameKey() throws Exception {
        Identity old = Identity.loadOrCreate(me.home());
        log = new TestLog().first("mallory", old.fingerprint());
        takeNothing = true;
        assertThat(me.run("", "rotate-key").exit()).isNotZero();
        Identity pending = Identity.pendingNext(me.home()).orElseThrow();

        Peer.Result login = me.run("pass word\n", "login", "-u", "mallory", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(loggedInWith).as("the log still has the old key").isEqualTo(old.fingerprint());

        takeNothing = false;
        Peer.Result again = me.run("", "rotate-key");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).isEqualTo(pending.fingerprint());
    }

    /** A directory that shows the pending key without a log entry for it gets nothing promoted. */
    @Test
    void aPendingKeyIsNotPromotedOnAnUnprovenAnswer() throws Exception {
        Identity old = Identity.loadOrCreate(me.home());
        TestLog honest = new TestLog().first("mallory", old.fingerprint());
        log = honest;
        takeNothing = true;
        assertThat(me.run("", "rotate-key").exit()).isNotZero();
        Identity pending = Identity.pendingNext(me.home()).orElseThrow();
        // the lookup now claims the pending key, but the log has no entry for it
        lookup = honest.lookup("mallory", pending.fingerprint(), "127.0.0.1", bait.getLocalPort());

        Peer.Result login = me.run("pass word\n", "login", "-u", "mallory", "--password-stdin");

        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(loggedInWith).isEqualTo(old.fingerprint());
        assertThat(Identity.loadOrCreate(me.home()).fingerprint()).isEqualTo(old.fingerprint());
        assertThat(Identity.pendingNext(me.home())).as("kept, to be sent again").isPresent();
    }

    @Test
    void aRotationSignedByAnotherKeyIsRefused() throws Exception {
        Identity old = Identity.loadOrCreate(tmp.resolve("alice-old"));
        Identity thief = Identity.loadOrCreate(tmp.resolve("thief"));
        Files.writeString(me.home().resolve("known_peers"), "alice " + old.fingerprint() + "\n");
        // the certificate is alice's, the signature the thief's
        TestLog forged = new TestLog().first("alice", old.fingerprint())
                .rotation("alice", thief.privateKey(), old.certificate(), ATTACKER_KEY);
        serve(forged, ATTACKER_KEY);

        Peer.Result chat = me.run("", "chat", "alice");

        assertThat(chat.exit()).as(chat.err()).isEqualTo(10);
        assertThat(chat.err()).contains("is not signed by the key it replaces");
        assertThat(dialed).hasValue(0);
        assertThat(Files.readString(me.home().resolve("known_peers"))).isEqualTo("alice " + old.fingerprint() + "\n");
    }

    @Test
    void aResetIsShownLoudlyAndRefused() throws Exception {
        Files.writeString(me.home().resolve("known_peers"), "alice " + ALICE_KEY + "\n");
        serve(new TestLog().first("alice", ALICE_KEY).first("bob", BOB_KEY).reset("alice", ATTACKER_KEY), ATTACKER_KEY);

        Peer.Result chat = me.run("", "chat", "alice");

        assertThat(chat.exit()).as(chat.err()).isEqualTo(8);
        assertThat(chat.err()).contains("the identity key of 'alice' was RESET at ").contains("key log entry #2")
                .contains("NOT signed by the old one");
        assertThat(dialed).hasValue(0);
        assertThat(Files.readString(me.home().resolve("known_peers"))).isEqualTo("alice " + ALICE_KEY + "\n");

        Peer.Result keys = me.run("", "keys", "alice");
        assertThat(keys.out()).contains("RESET: not signed by the previous key");
    }

    @Test
    void aLogKeyPinnedUpFrontMustBeTheDirectorysOne() throws IOException {
        serve(new TestLog().first("alice", ALICE_KEY), ALICE_KEY);

        assertRefused(me.run("", "--log-key", "ee".repeat(32), "chat", "alice"), "not the one given with --log-key");
        Peer.Result right = me.run("", "--log-key", log.fingerprint().toUpperCase(), "lookup", "alice");
        assertThat(right.exit()).as(right.err()).isZero();
    }
}
