package dev.p2pchat.peer.keylog;

import dev.p2pchat.peer.identity.SecureFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the peer remembers of each directory's key log, in the home folder: the log key (pinned
 * on first use) and the largest tree head it verified. One owner-only file per directory under
 * {@code key_logs/}, named by the SHA-256 of the directory's base URL, replaced atomically under
 * a lock, and read back as hostile input (a damaged file is an error, never a silent reset: only
 * {@link #forget} drops it).
 */
public final class LogStore {

    public static final String FOLDER = "key_logs";
    private static final int MAX_FILE_BYTES = 16 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A directory's pinned log key and the largest head verified with it. */
    public record State(String directory, LogKey key, Head head) {
    }

    private final Path folder;

    public LogStore(Path home) {
        this.folder = home.resolve(FOLDER);
    }

    public Path file(URI directory) {
        byte[] name = Merkle.sha256().digest(directory.toString().getBytes(StandardCharsets.UTF_8));
        return folder.resolve(Merkle.HEX.formatHex(name, 0, 16) + ".json");
    }

    /** The state kept for {@code directory}; empty if none. */
    public Optional<State> load(URI directory) throws KeyLogException, IOException {
        Path file = file(directory);
        SecureFiles.Bounded content;
        try {
            content = SecureFiles.readBounded(file, MAX_FILE_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String damaged = "key log: " + file + " (what this peer keeps of " + directory + "'s log) is damaged;"
                + " 'p2pchat log forget' drops it";
        if (content.truncated()) {
            throw new KeyLogException(damaged);
        }
        try {
            JsonNode node = KeyLogJson.object(content.bytes(), "stored state");
            JsonNode stored = node.get("directory");
            JsonNode key = node.get("publicKey");
            if (stored == null || !stored.isString() || !stored.stringValue().equals(directory.toString())
                    || key == null || !key.isString()) {
                throw new KeyLogException(damaged);
            }
            LogKey logKey = LogKey.of(KeyLogJson.decodeCanonical(key.stringValue(), "publicKey"));
            Head head = KeyLogJson.head(node.get("head"), "head");
            return Optional.of(new State(directory.toString(), logKey, head));
        } catch (KeyLogException e) {
            throw new KeyLogException(damaged, e);
        }
    }

    /**
     * Keeps {@code head} as the largest verified head of {@code directory}, signed by
     * {@code key}: under the lock, re-read, and only a larger head replaces the stored one
     * (another process may have verified a larger one meanwhile; both were checked against the
     * stored head before). A different stored key is a failure.
     */
    public void keep(URI directory, LogKey key, Head head) throws KeyLogException, IOException {
        SecureFiles.createPrivateDirectories(folder);
        Path file = file(directory);
        try {
            SecureFiles.withLock(folder.resolve(".lock"), () -> {
                Optional<State> current;
                try {
                    current = load(directory);
                } catch (KeyLogException e) {
                    throw new Wrapped(e);
                }
                if (current.isPresent() && !current.get().key().fingerprint().equals(key.fingerprint())) {
                    throw new Wrapped(new KeyLogException("key log: " + directory + " signs with another log key than"
                            + " the one pinned (" + current.get().key().fingerprint() + ")"));
                }
                if (current.isPresent() && current.get().head().size() >= head.size()) {
                    return null;
                }
                ObjectNode node = JSON.createObjectNode();
                node.put("directory", directory.toString());
                node.put("logKey", key.fingerprint());
                node.put("publicKey", key.encodedBase64());
                node.putObject("head").put("size", head.size()).put("rootHash", head.rootHash())
                        .put("timestamp", head.timestamp()).put("signature", head.signature());
                SecureFiles.writeAtomically(file, JSON.writeValueAsBytes(node));
                return null;
            });
        } catch (Wrapped e) {
            throw e.failure;
        }
    }

    /** Drops what is kept of {@code directory}'s log; whether there was anything. */
    public boolean forget(URI directory) throws IOException {
        return Files.deleteIfExists(file(directory));
    }

    /** Carries a KeyLogException out of the locked action, which may throw only IOException. */
    private static final class Wrapped extends IOException {
        final KeyLogException failure;

        Wrapped(KeyLogException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
