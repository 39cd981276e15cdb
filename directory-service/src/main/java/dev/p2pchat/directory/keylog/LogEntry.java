package dev.p2pchat.directory.keylog;

import java.nio.charset.StandardCharsets;

/**
 * One key event of an account, as the log keeps, hashes and serves it (docs/PROTOCOL.md section
 * 15): {@code username} is the lower-case account key, {@code index} the leaf index,
 * {@code previous} the fingerprint before the event (null for {@code first}), {@code time} in
 * epoch milliseconds; {@code certificate} (base64 DER of the old certificate) and
 * {@code signature} (base64) only for a {@code rotation}.
 */
public record LogEntry(long index, String username, String kind, String fingerprint, String previous, long time,
                       String certificate, String signature) {

    /** The kinds of key event, as written in {@code kind}. */
    public enum Kind {
        FIRST("first"), ROTATION("rotation"), RESET("reset");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** The bytes the leaf hash covers; the peer builds the same from the JSON fields. */
    byte[] leafBytes() {
        String leaf = "p2pchat-key-log-entry/1\n" + index + "\n" + username + "\n" + kind + "\n" + fingerprint + "\n"
                + orEmpty(previous) + "\n" + time + "\n" + orEmpty(certificate) + "\n" + orEmpty(signature) + "\n";
        return leaf.getBytes(StandardCharsets.UTF_8);
    }

    byte[] leafHash() {
        return MerkleTree.leafHash(leafBytes());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
