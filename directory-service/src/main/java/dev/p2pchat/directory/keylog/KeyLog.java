package dev.p2pchat.directory.keylog;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The key log: appends in the database's commit order, and proofs from this instance's own
 * copy of the tree.
 *
 * <p>Each instance keeps every complete subtree hash in memory ({@link MerkleTree}, about 64
 * bytes per entry) and catches up on new rows by index when a read needs an entry it does not
 * have yet, or when asked for the latest head; the first read after start-up loads the whole
 * log. A head is signed once per size and kept. With several instances each serves proofs of
 * the tree it has caught up to, all prefixes of the one log.
 */
@Service
public class KeyLog {

    /** At most this many entries of one user's history are served. */
    public static final int HISTORY_LIMIT = 100;
    /** Key events (first key, rotations, resets) one account may add to the log in 24 hours. */
    public static final int KEY_EVENTS_PER_DAY = 5;
    private static final Duration DAY = Duration.ofHours(24);
    private static final int LOAD_BATCH = 10_000;
    private static final HexFormat HEX = HexFormat.of();

    /** An entry with its inclusion proof in the tree of {@code head}. */
    public record Proven(LogEntry entry, List<String> inclusion, SignedHead head) {
    }

    /** An entry with its inclusion proof in the tree of a head given alongside. */
    public record Included(LogEntry entry, List<String> inclusion) {
    }

    /** A user's key history, oldest first, each entry proven in the tree of {@code head}. */
    public record History(SignedHead head, List<Included> entries, boolean truncated) {
    }

    /** What to append: the fields of an entry the log does not choose itself. */
    public record Draft(LogEntry.Kind kind, String fingerprint, String previous, String certificate,
                        String signature) {
    }

    private final LogEntries entries;
    private final LogKey key;
    private final Clock clock;
    private final MerkleTree tree = new MerkleTree();
    private final Object catchUp = new Object();
    /** The latest head signed here, with the tree it was signed from (proofs are made on that tree). */
    private volatile Signed head;

    private record Signed(SignedHead head, MerkleTree.Snapshot tree) {
        List<String> inclusion(long index) {
            return hex(tree.inclusion(index, tree.size()));
        }
    }

    KeyLog(LogEntries entries, LogKey key, Clock clock) {
        this.entries = entries;
        this.key = key;
        this.clock = clock;
    }

    /**
     * In the caller's transaction: locks the log (until that transaction ends), reads the user's
     * latest entry under the lock and appends what {@code decide} makes of it (nothing when it
     * returns null). Holding the lock while deciding makes "the key changed" and "append"
     * one step, also against other instances.
     */
    public Optional<LogEntry> append(String usernameKey, Function<Optional<LogEntry>, Draft> decide) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a key log append needs the caller's transaction");
        }
        spendKeyEvent(usernameKey);
        long index = entries.lockNextIndex();
        Draft draft = decide.apply(entries.latest(usernameKey));
        if (draft == null) {
            return Optional.empty();
        }
        LogEntry entry = new LogEntry(index, usernameKey, draft.kind().wire(), draft.fingerprint(), draft.previous(),
                clock.millis(), draft.certificate(), draft.signature());
        entries.insert(entry);
        return Optional.of(entry);
    }

    /**
     * Refuses (429) a key event of an account that already had {@value #KEY_EVENTS_PER_DAY} in the
     * last 24 hours, before the log's lock is taken: a client with a password cannot grow everybody's
     * log without bound, nor hold the lock that every first login and reset waits for. Checked
     * without the lock, so two events racing may both pass: the bound is one or two over, never open.
     */
    private void spendKeyEvent(String usernameKey) {
        long now = clock.millis();
        LogEntries.Recent recent = entries.recent(usernameKey, now - DAY.toMillis());
        if (recent.count() >= KEY_EVENTS_PER_DAY) {
            Duration wait = Duration.ofMillis(Math.max(1000, recent.oldest() + DAY.toMillis() - now));
            throw new KeyEventsExhaustedException(recent.count(), wait);
        }
    }

    /** The user's latest entry as committed, read without any lock. */
    public Optional<LogEntry> latest(String usernameKey) {
        return entries.latest(usernameKey);
    }

    /** The user's latest entry with its proof, or empty when the user has none. */
    public Optional<Proven> proveLatest(String usernameKey) {
        return entries.latest(usernameKey).map(this::prove);
    }

    /** {@code entry} (committed) with its inclusion proof in the latest head this instance has. */
    public Proven prove(LogEntry entry) {
        Signed signed = signed(caughtUp(entry.index() + 1));
        return new Proven(entry, signed.inclusion(entry.index()), signed.head());
    }

    /** The user's history, oldest first: the latest {@value #HISTORY_LIMIT} entries. */
    public History history(String usernameKey) {
        List<LogEntry> newest = entries.latest(usernameKey, HISTORY_LIMIT + 1);
        boolean truncated = newest.size() > HISTORY_LIMIT;
        List<LogEntry> kept = new ArrayList<>(newest.subList(0, Math.min(newest.size(), HISTORY_LIMIT)));
        Collections.reverse(kept);
        Signed signed = signed(caughtUp(entries.committedSize()));
        List<Included> proven = kept.stream().map(e -> new Included(e, signed.inclusion(e.index()))).toList();
        return new History(signed.head(), proven, truncated);
    }

    /** The head of everything committed so far. */
    public SignedHead head() {
        return signed(caughtUp(entries.committedSize())).head();
    }

    /**
     * The proof that the tree of {@code from} entries is a prefix of the tree of {@code to};
     * {@link InvalidLogRangeException} unless {@code 0 < from ≤ to ≤} the latest size.
     */
    public List<String> consistency(long from, long to) {
        MerkleTree.Snapshot snapshot = tree.snapshot();
        if (to > snapshot.size()) {
            snapshot = caughtUp(entries.committedSize());
        }
        if (from < 1 || from > to || to > snapshot.size()) {
            throw new InvalidLogRangeException(snapshot.size());
        }
        return hex(snapshot.consistency(from, to));
    }

    /** The log key's public half (SubjectPublicKeyInfo DER) and fingerprint. */
    LogKey.Loaded publicKey() {
        return key.key();
    }

    /** The tree with at least {@code size} entries, loading what this instance lacks. */
    private MerkleTree.Snapshot caughtUp(long size) {
        MerkleTree.Snapshot snapshot = tree.snapshot();
        if (snapshot.size() >= size) {
            return snapshot;
        }
        synchronized (catchUp) {
            while (tree.size() < size) {
                List<LogEntries.Leaf> batch = entries.leaves(tree.size(), LOAD_BATCH);
                if (batch.isEmpty()) {
                    throw new IllegalStateException("key log entry " + tree.size() + " is missing");
                }
                for (LogEntries.Leaf leaf : batch) {
                    tree.append(leaf.index(), leaf.hash()); // refuses a gap
                }
            }
            return tree.snapshot();
        }
    }

    /** The signed head of {@code snapshot}, or a newer one already signed; one signature per size. */
    private Signed signed(MerkleTree.Snapshot snapshot) {
        Signed signed = head;
        if (signed != null && signed.tree().size() >= snapshot.size()) {
            return signed;
        }
        synchronized (this) {
            signed = head;
            if (signed != null && signed.tree().size() >= snapshot.size()) {
                return signed;
            }
            String root = HEX.formatHex(snapshot.root(snapshot.size()));
            long timestamp = clock.millis();
            byte[] signature = key.sign(SignedHead.signedBytes(snapshot.size(), root, timestamp));
            signed = new Signed(new SignedHead(snapshot.size(), root, timestamp,
                    Base64.getEncoder().encodeToString(signature)), snapshot);
            head = signed;
            return signed;
        }
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }
}
