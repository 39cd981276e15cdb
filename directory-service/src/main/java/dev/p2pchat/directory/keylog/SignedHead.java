package dev.p2pchat.directory.keylog;

import java.nio.charset.StandardCharsets;

/**
 * A tree head signed with the log key: the tree of the first {@code size} entries has root
 * {@code rootHash} (lowercase hex), signed at {@code timestamp} (epoch milliseconds);
 * {@code signature} is base64 Ed25519 over {@link #signedBytes}.
 */
public record SignedHead(long size, String rootHash, long timestamp, String signature) {

    static byte[] signedBytes(long size, String rootHash, long timestamp) {
        return ("p2pchat-tree-head/1\n" + size + "\n" + rootHash + "\n" + timestamp + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
