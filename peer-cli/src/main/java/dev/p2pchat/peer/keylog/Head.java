package dev.p2pchat.peer.keylog;

import java.nio.charset.StandardCharsets;

/**
 * A signed tree head: the log of {@code size} entries has root {@code rootHash} (64 lower-case
 * hex), signed with the directory's Ed25519 log key at {@code timestamp} (epoch millis);
 * {@code signature} is the base64 text it came in.
 */
public record Head(long size, String rootHash, long timestamp, String signature) {

    /** The bytes the log key signs. */
    public byte[] signedBytes() {
        return ("p2pchat-tree-head/1\n" + size + "\n" + rootHash + "\n" + timestamp + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public byte[] root() {
        return Merkle.HEX.parseHex(rootHash);
    }

    /** For messages: size and the start of the root. */
    public String describe() {
        return "size " + size + ", root " + rootHash.substring(0, 16) + "...";
    }
}
