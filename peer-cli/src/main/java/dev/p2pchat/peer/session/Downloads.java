package dev.p2pchat.peer.session;

import dev.p2pchat.peer.identity.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The downloads folder. A file being received is a partial under {@code .p2pchat-partial/},
 * named by a hash of (sender, offered name, size) so a second offer of the same file finds it
 * and resumes. Only a partial whose SHA-256 matched the sender's is moved to its final name:
 * sanitized, inside this folder, never overwriting ({@code name (1).ext}).
 */
public final class Downloads {

    static final String PARTIAL_DIR = ".p2pchat-partial";

    private final Path dir;

    public Downloads(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    Path partialFor(String sender, String offeredName, long size) throws IOException {
        Path partials = dir.resolve(PARTIAL_DIR);
        SecureFiles.createPrivateDirectories(partials);
        String key = sender.toLowerCase(Locale.ROOT) + '\0' + offeredName + '\0' + size;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return partials.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".part");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Free bytes where partials are written. */
    long usableSpace() throws IOException {
        Files.createDirectories(dir);
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Gives a verified partial its final, sanitized, unused name in this folder. */
    Path publish(Path partial, String offeredName) throws IOException {
        String name = FileNames.sanitize(offeredName);
        for (int n = 0; n < 10_000; n++) {
            Path target = dir.resolve(n == 0 ? name : FileNames.numbered(name, n)).normalize();
            if (!dir.equals(target.getParent())) {
                throw new IllegalStateException("sanitized name escapes the downloads folder: " + target);
            }
            if (Files.exists(target)) {
                continue;
            }
            try {
                // same file system (the partial lives inside dir); fails rather than replaces
                return Files.move(partial, target);
            } catch (FileAlreadyExistsException taken) {
                // someone took that name meanwhile: try the next
            }
        }
        throw new IOException("no free name for '" + name + "' in " + dir);
    }
}
