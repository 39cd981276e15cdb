package dev.p2pchat.peer.session;

/**
 * Which offered files a peer takes: those the user confirms ({@code ASK}), those from peers
 * already known before this connection ({@code KNOWN}), all within the limits ({@code AUTO}), or
 * none ({@code NO}). Without {@code --accept}, it is {@code ASK} on a terminal and {@code KNOWN}
 * otherwise ({@link #defaultMode}), so that a stranger cannot write into the downloads folder of
 * a listener nobody watches.
 *
 * @param refusal what a refused sender is told, or null for the usual reason
 */
public record ReceivePolicy(Mode mode, Downloads downloads, long maxFileSize, int maxConcurrent, String refusal) {

    public enum Mode {
        /** Take every file within the limits. */
        AUTO,
        /** Ask the user for each file (no terminal: decline). */
        ASK,
        /** As AUTO for peers that were in known_peers before this connection; refuse strangers. */
        KNOWN,
        /** Refuse every file. */
        NO
    }

    public static final long UNLIMITED = Long.MAX_VALUE;
    /**
     * Files a peer sends us at once (offered and not yet answered), and what our HELLO says
     * ({@code files}): enough for the syncs of many small files to overlap, few enough that 64
     * sessions stay within a process's open files.
     */
    public static final int FILES_AT_ONCE = 32;
    static final String NOT_ACCEPTING = "this peer does not accept files";
    static final String STRANGER = "this peer takes files only from peers it knew before this connection";

    public ReceivePolicy {
        if (maxFileSize < 0 || maxConcurrent < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public ReceivePolicy(Mode mode, Downloads downloads, long maxFileSize, int maxConcurrent) {
        this(mode, downloads, maxFileSize, maxConcurrent, null);
    }

    public static ReceivePolicy refuseAll() {
        return new ReceivePolicy(Mode.NO, null, 0, 1);
    }

    /** Without {@code --accept}: ask the person at a terminal; with nobody to ask, take files from known peers only. */
    public static Mode defaultMode(boolean terminal) {
        return terminal ? Mode.ASK : Mode.KNOWN;
    }

    /**
     * The policy for one session, once the peer is known: {@code KNOWN} becomes {@code AUTO} for
     * a peer that was in known_peers before this connection, and {@code NO} for a stranger
     * (including one that trust on first use has just added). Other modes stay as they are.
     */
    public ReceivePolicy forPeer(boolean knownBeforeThisSession) {
        if (mode != Mode.KNOWN) {
            return this;
        }
        return knownBeforeThisSession
                ? new ReceivePolicy(Mode.AUTO, downloads, maxFileSize, maxConcurrent, null)
                : new ReceivePolicy(Mode.NO, downloads, maxFileSize, maxConcurrent, STRANGER);
    }

    /** Whether offers are refused whatever they are. A {@code KNOWN} never resolved counts as a stranger's. */
    boolean refusesAll() {
        return mode == Mode.NO || mode == Mode.KNOWN || downloads == null;
    }

    /** What the sender is told when {@link #refusesAll()}. */
    String refusalReason() {
        if (refusal != null) {
            return refusal;
        }
        return mode == Mode.KNOWN && downloads != null ? STRANGER : NOT_ACCEPTING;
    }
}
