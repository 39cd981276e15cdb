package dev.p2pchat.directory.keylog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.directory.account.AccountService;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The log on the real stack (H2): which logins append what, rotations accepted and refused,
 * dense indexes under concurrent logins and after a rollback, and heads and proofs that an
 * outsider verifies from the entries alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class KeyLogTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String CLIENT = "192.0.2.1";

    @Autowired
    AccountService accounts;
    @Autowired
    KeyLog log;
    @Autowired
    KeyRotation rotation;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;

    private String register() {
        String name = "user" + NAMES.incrementAndGet();
        accounts.register(name, "pass word 1".toCharArray(), CLIENT);
        return name;
    }

    private long login(String name, String fingerprint) {
        return accounts.authenticate(name, "pass word 1".toCharArray(), fingerprint, CLIENT).getId();
    }

    private List<LogEntry> history(String name) {
        return log.history(name).entries().stream().map(KeyLog.Included::entry).toList();
    }

    private String accountFingerprint(String name) {
        return jdbc.sql("SELECT fingerprint FROM account WHERE username_key = ?").param(name).query(String.class).single();
    }

    @Test
    void theFirstKeyThenTheSameAgainThenAnotherOneIsAReset() {
        String alice = register();
        String a = "a1".repeat(32);
        String b = "b2".repeat(32);
        login(alice, null);
        assertThat(log.latest(alice)).as("a login without a key").isEmpty();

        login(alice, a);
        login(alice, a);
        login(alice, null);
        login(alice, b);

        List<LogEntry> entries = history(alice);
        assertThat(entries).extracting(LogEntry::kind).containsExactly("first", "reset");
        assertThat(entries.get(0).fingerprint()).isEqualTo(a);
        assertThat(entries.get(0).previous()).isNull();
        assertThat(entries.get(1).fingerprint()).isEqualTo(b);
        assertThat(entries.get(1).previous()).isEqualTo(a);
        assertThat(entries.get(1).index()).isGreaterThan(entries.get(0).index());
        assertThat(entries.get(1).certificate()).isNull();
        assertThat(entries.get(1).signature()).isNull();
    }

    @Test
    void aRotationSignedByTheOldKeyIsLoggedAndTheOldKeyIsThenAReset() {
        String bob = register();
        TestIdentity old = TestIdentity.generate();
        TestIdentity next = TestIdentity.generate();
        long id = login(bob, old.fingerprint());

        LogEntry entry = rotation.rotate(id, bob, next.fingerprint(), old.certificateBase64(),
                old.signRotation(bob, next.fingerprint()));

        assertThat(entry.kind()).isEqualTo("rotation");
        assertThat(entry.previous()).isEqualTo(old.fingerprint());
        assertThat(entry.fingerprint()).isEqualTo(next.fingerprint());
        assertThat(entry.certificate()).isEqualTo(old.certificateBase64());
        assertThat(accountFingerprint(bob)).isEqualTo(next.fingerprint());
        login(bob, next.fingerprint());
        assertThat(history(bob)).as("the new key logs in quietly").hasSize(2);

        login(bob, old.fingerprint());
        LogEntry reset = log.latest(bob).orElseThrow();
        assertThat(reset.kind()).isEqualTo("reset");
        assertThat(reset.previous()).isEqualTo(next.fingerprint());
    }

    @Test
    void rotationsThatAreNotSignedByTheCurrentKeyAreRefusedAndLogNothing() {
        String carol = register();
        TestIdentity current = TestIdentity.generate();
        TestIdentity next = TestIdentity.generate();
        TestIdentity stranger = TestIdentity.generate();
        String newKey = next.fingerprint();

        assertThatThrownBy(() -> rotation.rotate(1, carol, newKey, current.certificateBase64(),
                current.signRotation(carol, newKey)))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("no key to rotate from");
        long id = login(carol, current.fingerprint());
        long size = log.head().size();

        assertThatThrownBy(() -> rotation.rotate(id, carol, current.fingerprint(), current.certificateBase64(),
                current.signRotation(carol, current.fingerprint())))
                .isInstanceOf(KeyUnchangedException.class);
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, stranger.certificateBase64(),
                stranger.signRotation(carol, newKey)))
                .as("someone else's certificate").isInstanceOf(InvalidRotationException.class)
                .hasMessage("the certificate is not the account's current key");
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, current.certificateBase64(),
                stranger.sign("p2pchat-key-rotation/1\n" + carol + "\n" + current.fingerprint() + "\n" + newKey + "\n")))
                .as("signed by another key").isInstanceOf(InvalidRotationException.class)
                .hasMessage("the signature does not verify with the current key");
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, current.certificateBase64(),
                current.signRotation("someone", newKey)))
                .as("a signature for another account").isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, current.certificateBase64(),
                current.signRotation(carol, "cc".repeat(32))))
                .as("a signature for another new key").isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, current.certificateBase64(), "AAAA"))
                .as("not a DER signature").isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> rotation.rotate(id, carol, newKey, "AAAA", current.signRotation(carol, newKey)))
                .as("not a certificate").isInstanceOf(InvalidRotationException.class)
                .hasMessage("the certificate is not a base64 DER X.509 certificate");

        assertThat(log.head().size()).isEqualTo(size);
        assertThat(accountFingerprint(carol)).isEqualTo(current.fingerprint());
    }

    @Test
    void aRolledBackAppendLeavesNoGap() {
        String dave = register();
        long before = jdbc.sql("SELECT next_index FROM key_log_state").query(Long.class).single();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            log.append(dave, latest -> new KeyLog.Draft(LogEntry.Kind.FIRST, "dd".repeat(32), null, null, null));
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        login(dave, "de".repeat(32));

        LogEntry first = log.latest(dave).orElseThrow();
        assertThat(first.index()).isEqualTo(before);
        assertThat(first.fingerprint()).isEqualTo("de".repeat(32));
        assertThatThrownBy(() -> log.append(dave, latest -> null))
                .as("outside a transaction").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentLoginsGetDenseIndexesInOneOrderAndTheHeadCoversThemAll() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            names.add(register());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> logins = new ArrayList<>();
            for (String name : names) {
                for (String key : List.of("0a", "0b", "0c")) {
                    logins.add(pool.submit(() -> login(name, key.repeat(32))));
                }
            }
            for (Future<?> login : logins) {
                login.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<LogEntry> all = jdbc.sql("SELECT idx, username_key, kind, fingerprint, previous, created_at, certificate,"
                        + " signature FROM key_log_entry ORDER BY idx")
                .query((rs, row) -> new LogEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8)))
                .list();
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).index()).as("dense from 0").isEqualTo(i);
        }
        for (String name : names) {
            List<LogEntry> mine = all.stream().filter(e -> e.username().equals(name)).toList();
            assertThat(mine).as(name).hasSize(3);
            assertThat(mine.get(0).kind()).isEqualTo("first");
            assertThat(mine.get(1).previous()).as("each event follows the one before").isEqualTo(mine.get(0).fingerprint());
            assertThat(mine.get(2).previous()).isEqualTo(mine.get(1).fingerprint());
            assertThat(mine.get(2).fingerprint()).isEqualTo(accountFingerprint(name));
        }

        SignedHead head = log.head();
        assertThat(head.size()).isEqualTo(all.size());
        List<byte[]> leaves = all.stream().map(KeyLogTest::leafBytes).toList();
        assertThat(head.rootHash()).isEqualTo(HexFormat.of().formatHex(naiveRoot(leaves)));
        assertThat(verifies(head)).isTrue();
        assertThat(log.head()).as("signed once per size").isEqualTo(head);

        KeyLog.Proven proven = log.proveLatest(names.get(5)).orElseThrow();
        List<byte[]> path = proven.inclusion().stream().map(HexFormat.of()::parseHex).toList();
        assertThat(Rfc9162.verifyInclusion(proven.entry().index(), proven.head().size(),
                Rfc9162.leafHash(leafBytes(proven.entry())), path, HexFormat.of().parseHex(proven.head().rootHash())))
                .isTrue();

        long m = all.size() / 3;
        List<byte[]> consistency = log.consistency(m, all.size()).stream().map(HexFormat.of()::parseHex).toList();
        assertThat(Rfc9162.verifyConsistency(m, all.size(), naiveRoot(leaves.subList(0, (int) m)),
                HexFormat.of().parseHex(head.rootHash()), consistency)).isTrue();
        assertThatThrownBy(() -> log.consistency(1, all.size() + 1)).isInstanceOf(InvalidLogRangeException.class);
        assertThatThrownBy(() -> log.consistency(3, 2)).isInstanceOf(InvalidLogRangeException.class);
    }

    /** The leaf bytes as docs/PROTOCOL.md section 15 gives them, built here apart from the code. */
    static byte[] leafBytes(LogEntry e) {
        return String.join("\n", "p2pchat-key-log-entry/1", Long.toString(e.index()), e.username(), e.kind(),
                e.fingerprint(), e.previous() == null ? "" : e.previous(), Long.toString(e.time()),
                e.certificate() == null ? "" : e.certificate(), e.signature() == null ? "" : e.signature(), "")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] naiveRoot(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return Rfc9162.sha256();
        }
        if (leaves.size() == 1) {
            return Rfc9162.leafHash(leaves.get(0));
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return Rfc9162.sha256(new byte[] {1}, naiveRoot(leaves.subList(0, k)), naiveRoot(leaves.subList(k, leaves.size())));
    }

    private boolean verifies(SignedHead head) throws Exception {
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(log.publicKey().publicKey()));
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(("p2pchat-tree-head/1\n" + head.size() + "\n" + head.rootHash() + "\n" + head.timestamp() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        return ed25519.verify(Base64.getDecoder().decode(head.signature()));
    }
}
