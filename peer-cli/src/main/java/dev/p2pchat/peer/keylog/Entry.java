package dev.p2pchat.peer.keylog;

import java.nio.charset.StandardCharsets;

/**
 * One key event of the directory's log, as served (spec: issue 15). {@code certificate} and
 * {@code signature} are kept as the canonical base64 text they came in, because the leaf bytes
 * hash that text.
 *
 * @param index       the leaf index, 0-based
 * @param username    the account, lower case
 * @param previous    the fingerprint before this event; null for {@link Kind#FIRST}
 * @param time        epoch millis
 * @param certificate base64 DER of the old certificate, rotations only
 * @param signature   base64 signature by the old key, rotations only
 */
public record Entry(long index, String username, Kind kind, String fingerprint, String previous, long time,
                    String certificate, String signature) {

    public enum Kind {
        FIRST("first"), ROTATION("rotation"), RESET("reset");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind fromWire(String wire) {
            for (Kind kind : values()) {
                if (kind.wire.equals(wire)) {
                    return kind;
                }
            }
            return null;
        }
    }

    static final String LEAF_PREFIX = "p2pchat-key-log-entry/1\n";

    /** What the log hashes for this entry. */
    public byte[] leafBytes() {
        String leaf = LEAF_PREFIX + index + "\n" + username + "\n" + kind.wire() + "\n" + fingerprint + "\n"
                + (previous == null ? "" : previous) + "\n" + time + "\n" + (certificate == null ? "" : certificate)
                + "\n" + (signature == null ? "" : signature) + "\n";
        return leaf.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] leafHash() {
        return Merkle.leafHash(leafBytes());
    }
}
