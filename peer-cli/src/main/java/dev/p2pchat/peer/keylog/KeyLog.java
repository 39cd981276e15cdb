package dev.p2pchat.peer.keylog;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.identity.IdentityException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks a peer makes of the directory's key log (spec: issue 15), and what it keeps of it:
 * every lookup's proof (head signed by the pinned log key, the entry is the answer's, the
 * inclusion proof, consistency with the largest head verified before), key changes explained by
 * the log (a chain of signed rotations, or a reset), a user's verified history, and the heads
 * other peers show us in HELLO. Reports by return values and {@link KeyLogException}s whose
 * messages name what failed; never prints.
 */
public final class KeyLog {

    /** The directory, created on first use. */
    @FunctionalInterface
    public interface Source {
        Directory get() throws DirectoryException;
    }

    /**
     * A lookup's key as the log proves it. {@code logged} is false only for a directory that keeps
     * no log and never did as far as this peer knows (the key is then trusted on first use, as
     * before the log existed); {@code entry} and {@code head} are null then.
     */
    public record Checked(boolean logged, Entry entry, Head head) {
        static final Checked UNLOGGED = new Checked(false, null, null);
    }

    /** How the log explains a key that is not the one known_peers pins. */
    public enum ChangeKind {
        /** Signed rotations lead from the pinned key to the new one. */
        ROTATED,
        /** A reset (no signature by the old key) lies between them: shown loudly, refused. */
        RESET,
        /** The log shows no way from the pinned key to this one. */
        UNEXPLAINED
    }

    /** @param steps the entries from the pinned key to the new one; for a reset, the reset entry last */
    public record Change(ChangeKind kind, List<Entry> steps) {
        public Entry last() {
            return steps.isEmpty() ? null : steps.get(steps.size() - 1);
        }
    }

    /** What a head another peer showed us in HELLO says of our view of the log. */
    public enum PeerHeadKind {
        /** Consistent with ours (a prefix or an extension, proven by the directory). */
        CONSISTENT,
        /** Signed with another log key: another directory, nothing to compare. */
        OTHER_LOG,
        /** We have no head of our own to compare with, or its signature is wrong: ignored. */
        UNCHECKED,
        /** The two heads cannot both be true: the directory shows different logs. */
        FORK
    }

    public record PeerHead(PeerHeadKind kind, Head ours, Head theirs, String why) {
    }

    private final Source source;
    private final LogStore store;
    private final String pinnedUpFront;

    /** @param pinnedUpFront the log key fingerprint given with {@code --log-key}, or null to pin on first use */
    public KeyLog(Source source, LogStore store, String pinnedUpFront) {
        this.source = source;
        this.store = store;
        this.pinnedUpFront = pinnedUpFront;
    }

    public LogStore store() {
        return store;
    }

    /**
     * Checks the proof in a lookup answer for {@code asked}; on success the head is kept as the
     * largest verified one. Nothing else changes on failure.
     */
    public Checked check(String asked, Directory.Peer peer) throws KeyLogException, DirectoryException {
        Directory directory = source.get();
        URI base = directory.base();
        Optional<LogStore.State> state = load(base);
        if (peer.keyLog() == null) {
            if (peer.fingerprint() == null) {
                return Checked.UNLOGGED;
            }
            if (state.isPresent() || pinnedUpFront != null) {
                throw new KeyLogException("key log: the directory at " + base + " sent no key log proof for '" + asked
                        + "', but it keeps a log (its log key is pinned): refused");
            }
            return Checked.UNLOGGED;
        }
        KeyLogJson.Proof proof = KeyLogJson.proof(peer.keyLog());
        LogKey key = logKey(directory, state);
        Head head = signed(key, proof.head(), base);
        Entry entry = proof.entry();
        if (!entry.username().equals(asked.toLowerCase(Locale.ROOT))) {
            throw new KeyLogException("key log: the directory proved the key of '" + entry.username()
                    + "' in its answer for '" + asked + "': refused");
        }
        if (peer.fingerprint() == null || !entry.fingerprint().equals(peer.fingerprint())) {
            throw new KeyLogException("key log: the directory gave '" + asked + "' the key "
                    + (peer.fingerprint() == null ? "(none)" : Fingerprints.pretty(peer.fingerprint()))
                    + ", but its log's entry says " + Fingerprints.pretty(entry.fingerprint())
                    + ": a key without a log entry; refused");
        }
        included(entry, proof.inclusion(), head, asked);
        consistent(directory, state.map(LogStore.State::head).orElse(null), head);
        keep(base, key, head);
        return new Checked(true, entry, head);
    }

    /**
     * Why the log has {@code checked}'s key for {@code name} where known_peers pins {@code pinned}:
     * the user's history, verified (head, inclusions, consistency), walked back from the latest
     * entry through signed rotations to the pinned key.
     */
    public Change change(String name, String pinned, Checked checked) throws KeyLogException, DirectoryException {
        List<Entry> history = history(name).entries().stream().map(KeyLogJson.Proof::entry).toList();
        if (history.isEmpty() || !history.get(history.size() - 1).fingerprint().equals(checked.entry().fingerprint())) {
            throw new KeyLogException("key log: the directory's history of '" + name
                    + "' does not end with the key it just gave for it");
        }
        List<Entry> steps = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            Entry entry = history.get(i);
            steps.add(0, entry);
            if (entry.kind() == Entry.Kind.FIRST) {
                break;
            }
            if (entry.kind() == Entry.Kind.RESET) {
                return new Change(ChangeKind.RESET, List.of(entry));
            }
            if (!Rotation.valid(entry)) {
                throw new KeyLogException("key log: the rotation of '" + name + "' in entry #" + entry.index()
                        + " is not signed by the key it replaces");
            }
            if (entry.previous().equals(pinned)) {
                return new Change(ChangeKind.ROTATED, List.copyOf(steps));
            }
            if (i > 0 && !history.get(i - 1).fingerprint().equals(entry.previous())) {
                throw new KeyLogException("key log: the history of '" + name + "' is broken at entry #"
                        + entry.index() + " (its previous key is not the key before it)");
            }
        }
        return new Change(ChangeKind.UNEXPLAINED, List.of());
    }

    /** A user's key events, oldest first, each proven in a head checked like a lookup's. */
    public KeyLogJson.History history(String name) throws KeyLogException, DirectoryException {
        Directory directory = source.get();
        URI base = directory.base();
        Optional<LogStore.State> state = load(base);
        KeyLogJson.History history = KeyLogJson.history(directory.keyHistory(name));
        LogKey key = logKey(directory, state);
        Head head = signed(key, history.head(), base);
        long last = -1;
        for (KeyLogJson.Proof proof : history.entries()) {
            Entry entry = proof.entry();
            if (!entry.username().equals(name.toLowerCase(Locale.ROOT))) {
                throw new KeyLogException("key log: the history of '" + name + "' holds an entry of '"
                        + entry.username() + "'");
            }
            if (entry.index() <= last) {
                throw new KeyLogException("key log: the history of '" + name + "' is not in log order");
            }
            last = entry.index();
            included(entry, proof.inclusion(), head, name);
        }
        consistent(directory, state.map(LogStore.State::head).orElse(null), head);
        keep(base, key, head);
        return history;
    }

    /** The log key and the largest head kept for the directory, to show other peers in HELLO. */
    public Optional<LogStore.State> ours() {
        try {
            return load(source.get().base());
        } catch (KeyLogException | DirectoryException e) {
            return Optional.empty();
        }
    }

    /**
     * Compares the head a peer sent in HELLO (signed by the log key {@code logKey}) with ours.
     * Nothing of theirs is kept. Same size with another root is a fork by itself; otherwise the
     * directory must prove the smaller head a prefix of the larger.
     */
    public PeerHead compare(String logKey, Head theirs) {
        Optional<LogStore.State> state = ours();
        if (state.isEmpty()) {
            return new PeerHead(PeerHeadKind.UNCHECKED, null, theirs, "this peer holds no head of its own yet");
        }
        Head ours = state.get().head();
        if (!state.get().key().fingerprint().equals(logKey)) {
            return new PeerHead(PeerHeadKind.OTHER_LOG, ours, theirs, "another directory's log");
        }
        if (!state.get().key().signed(theirs)) {
            return new PeerHead(PeerHeadKind.UNCHECKED, ours, theirs, "its head is not signed by the log key");
        }
        if (theirs.size() == 0) {
            return new PeerHead(PeerHeadKind.CONSISTENT, ours, theirs, "the empty log is a prefix of every log");
        }
        try {
            consistent(source.get(), ours, theirs);
            return new PeerHead(PeerHeadKind.CONSISTENT, ours, theirs, "consistent");
        } catch (KeyLogException e) {
            return new PeerHead(PeerHeadKind.FORK, ours, theirs, e.getMessage());
        } catch (DirectoryException e) {
            return new PeerHead(PeerHeadKind.UNCHECKED, ours, theirs, "the directory could not be asked: "
                    + e.getMessage());
        }
    }

    /** A rotation done: the old and new identities and the log's proof of the new entry. */
    public record Rotated(Identity old, Identity current, Checked proof) {
    }

    /**
     * Rotates our identity key: a new identity is written beside the current one, the rotation
     * signed by the old key is sent to the directory, and only once it took the new key does the
     * new identity replace the old in {@code home} (a refusal leaves the old one in place). The
     * directory's answer is then checked like a lookup of ourselves; a failed check still leaves
     * the new identity in place (the directory has it), and is thrown.
     */
    public Rotated rotate(String username, String token, Path home, Identity old)
            throws KeyLogException, DirectoryException, IdentityException {
        String me = username.toLowerCase(Locale.ROOT);
        Identity next;
        Optional<Identity> pending = Identity.pendingNext(home);
        if (pending.isPresent()) {
            // an earlier rotation whose answer was lost: what does the (verified) log say we hold?
            Settled settled = settle(me, home, old, pending.get());
            if (settled.promoted()) {
                return new Rotated(old, settled.identity(), settled.proof());
            }
            next = pending.get(); // not taken: send the same key again, never a second one
        } else {
            next = Identity.createNext(home);
        }
        String signature = Rotation.sign(old.privateKey(), me, old.fingerprint(), next.fingerprint());
        byte[] proof;
        try {
            proof = source.get().rotateKey(token, next.fingerprint(),
                    Base64.getEncoder().encodeToString(old.certificate().getEncoded()), signature);
        } catch (DirectoryException e) {
            if (e.kind() == DirectoryException.Kind.UNREACHABLE || e.kind() == DirectoryException.Kind.SERVER
                    || e.kind() == DirectoryException.Kind.BAD_ANSWER) {
                // the answer is lost, not the request: the directory may hold the new key now
                throw new DirectoryException(e.kind(), e.getMessage() + "; the new key is kept in " + home.resolve(
                        Identity.NEXT_KEY_FILE) + " in case the directory took it: run rotate-key again to finish", e);
            }
            Identity.discardNext(home);
            throw e;
        } catch (CertificateEncodingException e) {
            Identity.discardNext(home);
            throw new IdentityException("cannot encode the identity certificate: " + e.getMessage());
        }
        Identity current = Identity.promoteNext(home, next.fingerprint());
        try {
            Checked checked = check(me, new Directory.Peer(me, false, null, null, current.fingerprint(), null, null,
                    null, proof));
            return new Rotated(old, current, checked);
        } catch (KeyLogException e) {
            throw new KeyLogException("your identity key is now " + current.fingerprint() + " (the directory took it),"
                    + " but its proof fails: " + e.getMessage(), e);
        }
    }

    /** How an unfinished rotation came out: the identity to use, and whether it is the new key (with its proof). */
    public record Settled(Identity identity, boolean promoted, Checked proof) {
    }

    /**
     * Settles a rotation whose answer was lost ({@code identity.next.*} left in {@code home}), from
     * our own key history, verified like any lookup (the history is public: no session needed).
     * The log's latest key is the pending one: it is promoted. It is still {@code current}: the
     * directory did not take it (as far as the log shows), {@code current} stays and the pending
     * key is kept, to be sent again by {@code rotate-key}. Anything else is refused: the pending key
     * is never thrown away on an answer, since the directory saw it and could log it later.
     * Without a pending key, {@code current} is returned as is.
     */
    public Settled settlePending(String username, Path home, Identity current)
            throws KeyLogException, DirectoryException, IdentityException {
        Optional<Identity> pending = Identity.pendingNext(home);
        if (pending.isEmpty()) {
            return new Settled(current, false, null);
        }
        return settle(username.toLowerCase(Locale.ROOT), home, current, pending.get());
    }

    private Settled settle(String me, Path home, Identity current, Identity pending)
            throws KeyLogException, DirectoryException, IdentityException {
        KeyLogJson.History history = history(me);
        if (history.entries().isEmpty()) {
            throw new KeyLogException("key log: your own key history is empty, but a key rotation is unfinished ("
                    + home.resolve(Identity.NEXT_KEY_FILE) + ")");
        }
        KeyLogJson.Proof latest = history.entries().get(history.entries().size() - 1);
        String logged = latest.entry().fingerprint();
        if (logged.equals(pending.fingerprint())) {
            Identity promoted = Identity.promoteNext(home, pending.fingerprint());
            return new Settled(promoted, true, new Checked(true, latest.entry(), history.head()));
        }
        if (logged.equals(current.fingerprint())) {
            return new Settled(current, false, null);
        }
        throw new KeyLogException("key log: your latest key in the directory's log is " + logged
                + ", neither your key nor the one a rotation left unfinished (" + pending.fingerprint()
                + "); nothing was changed");
    }

    /** Drops the pinned log key and the kept head of the directory; whether there were any. */
    public boolean forget() throws KeyLogException, DirectoryException {
        try {
            return store.forget(source.get().base());
        } catch (IOException e) {
            throw new KeyLogException("cannot remove " + store.file(source.get().base()) + ": " + e.getMessage(), e);
        }
    }

    public static String when(Entry entry) {
        return Instant.ofEpochMilli(entry.time()).toString();
    }

    // ------------------------------------------------------------------ steps

    private Optional<LogStore.State> load(URI base) throws KeyLogException {
        try {
            return store.load(base);
        } catch (IOException e) {
            throw new KeyLogException("key log: cannot read " + store.file(base) + ": " + e.getMessage(), e);
        }
    }

    private void keep(URI base, LogKey key, Head head) throws KeyLogException {
        try {
            store.keep(base, key, head);
        } catch (IOException e) {
            throw new KeyLogException("key log: cannot write " + store.file(base) + ": " + e.getMessage(), e);
        }
    }

    /** The pinned log key, or the directory's (checked against --log-key) on first use. */
    private LogKey logKey(Directory directory, Optional<LogStore.State> state) throws KeyLogException, DirectoryException {
        if (state.isPresent()) {
            LogKey key = state.get().key();
            if (pinnedUpFront != null && !pinnedUpFront.equals(key.fingerprint())) {
                throw new KeyLogException("key log: --log-key " + pinnedUpFront + " is not the log key pinned for "
                        + directory.base() + " (" + key.fingerprint() + "); 'p2pchat log forget' drops the pin");
            }
            return key;
        }
        KeyLogJson.PublishedKey published = KeyLogJson.logKey(directory.logKey());
        LogKey key = LogKey.of(published.publicKey());
        if (!key.fingerprint().equals(published.fingerprint())) {
            throw new KeyLogException("key log: the directory's log key does not have the fingerprint it states");
        }
        if (pinnedUpFront != null && !pinnedUpFront.equals(key.fingerprint())) {
            throw new KeyLogException("key log: the directory at " + directory.base() + " signs with the log key "
                    + key.fingerprint() + ", not the one given with --log-key (" + pinnedUpFront + "): refused");
        }
        return key;
    }

    private static Head signed(LogKey key, Head head, URI base) throws KeyLogException {
        if (!key.signed(head)) {
            throw new KeyLogException("key log: the tree head (" + head.describe() + ") is not signed by the log key "
                    + key.fingerprint().substring(0, 16) + "... pinned for " + base + ": refused");
        }
        return head;
    }

    private static void included(Entry entry, List<byte[]> inclusion, Head head, String name) throws KeyLogException {
        if (!Merkle.verifyInclusion(entry.index(), head.size(), entry.leafHash(), inclusion, head.root())) {
            throw new KeyLogException("key log: the inclusion proof of the key entry #" + entry.index() + " of '"
                    + name + "' does not lead to the signed head (" + head.describe() + "): the entry is not in the"
                    + " log the directory signed");
        }
    }

    /**
     * The larger of two heads extends the smaller: the same root for the same size, otherwise a
     * consistency proof from the directory. Called with the head kept before (or null).
     */
    private static void consistent(Directory directory, Head before, Head now) throws KeyLogException, DirectoryException {
        if (before == null) {
            return;
        }
        if (before.size() == now.size()) {
            if (!before.rootHash().equals(now.rootHash())) {
                throw fork(before, now, "two signed heads of the same size with different roots");
            }
            return;
        }
        Head small = before.size() < now.size() ? before : now;
        Head large = small == before ? now : before;
        byte[] answer;
        try {
            answer = directory.logConsistency(small.size(), large.size());
        } catch (DirectoryException e) {
            if (e.kind() != DirectoryException.Kind.INVALID && e.kind() != DirectoryException.Kind.BAD_ANSWER) {
                throw e; // unreachable, busy or failing: nothing was proven either way
            }
            throw fork(before, now, "the directory cannot prove one extends the other (" + e.getMessage() + ")");
        }
        List<byte[]> proof = KeyLogJson.consistency(answer, small.size(), large.size());
        if (!Merkle.verifyConsistency(small.size(), large.size(), small.root(), large.root(), proof)) {
            throw fork(before, now, "the consistency proof fails: the log was rewritten");
        }
    }

    private static KeyLogException fork(Head before, Head now, String why) {
        return new KeyLogException("key log: the directory's head (" + now.describe() + ") is not consistent with the"
                + " head this peer verified before (" + before.describe() + "): " + why
                + "; refused ('p2pchat log forget' only if you know why)");
    }
}
