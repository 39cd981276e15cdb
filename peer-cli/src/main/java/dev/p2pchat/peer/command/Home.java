package dev.p2pchat.peer.command;

import dev.p2pchat.peer.identity.SecureFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The peer's home folder ({@code --home}, default {@code ~/.p2pchat}): the identity key, the
 * session token, {@code known_peers} and {@code downloads/}. The folder and the secrets in it
 * are readable by the owner only.
 */
public final class Home {

    /** What {@code login} keeps for the next commands: which directory, who, and the token. */
    public record SavedSession(String server, String username, String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "SavedSession[server=" + server + ", username=" + username + ", expiresAt=" + expiresAt + "]";
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final int MAX_SESSION_FILE = 16 * 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dir;

    public Home(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Makes an existing home folder owner-only (0700) where the file system has POSIX
     * permissions: it holds the identity key, the session token and known_peers, and a folder
     * others may enter or write lets them read or replace those. Returns what was changed, for
     * the user; a folder that cannot be made private is a failure.
     */
    public Optional<String> makePrivate() {
        if (!Files.isDirectory(dir) || !SecureFiles.isPosix(dir)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
            if (now.equals(OWNER_ONLY)) {
                return Optional.empty();
            }
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            return Optional.of("the home folder " + dir + " was " + PosixFilePermissions.toString(now)
                    + "; made it owner-only (rwx------)");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot make the home folder " + dir + " owner-only ("
                    + e.getMessage() + "): it holds your identity key; fix its owner or permissions, or use --home", e);
        }
    }

    public Path knownPeers() {
        return dir.resolve("known_peers");
    }

    public Path downloads() {
        return dir.resolve("downloads");
    }

    private Path sessionFile() {
        return dir.resolve("session.json");
    }

    /** The saved login for this directory, if there is one that has not expired. */
    public Optional<SavedSession> session(URI server, Instant now) {
        try {
            byte[] bytes = Files.readAllBytes(sessionFile());
            if (bytes.length > MAX_SESSION_FILE) {
                return Optional.empty();
            }
            SavedSession saved = JSON.readValue(bytes, SavedSession.class);
            if (saved.token() == null || saved.username() == null || saved.server() == null
                    || !saved.server().equals(server.toString())
                    || saved.expiresAt() == null || !saved.expiresAt().isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(saved);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        }
    }

    public void saveSession(SavedSession session) {
        try {
            SecureFiles.createPrivateDirectories(dir);
            SecureFiles.writeAtomically(sessionFile(), JSON.writeValueAsBytes(session));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot save the session in " + sessionFile() + ": " + e.getMessage(), e);
        }
    }

    public void clearSession() {
        try {
            Files.deleteIfExists(sessionFile());
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot remove " + sessionFile() + ": " + e.getMessage(), e);
        }
    }
}
