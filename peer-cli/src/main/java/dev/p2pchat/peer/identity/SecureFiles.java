package dev.p2pchat.peer.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Owner-only files written atomically, bounded reads, and a lock shared by threads and
 * processes: for the secrets in the home folder (identity key, session token, known_peers).
 * Where the file system has no POSIX permissions, permissions are skipped.
 */
public final class SecureFiles {

    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /** FileLock is per process: threads of this JVM queue on these first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private SecureFiles() {
    }

    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} (and missing parents) as owner-only where POSIX; an existing folder is left as it is. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (isPosix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY); // in case the umask was odd
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * A folder only we may use, for files a stranger must not reach: created owner-only (with any
     * missing parents) if missing; if it exists, it must be a real folder (not a link) that belongs
     * to us, and its permissions are set back to owner-only. Where the file system has no POSIX
     * permissions, the folder is only created.
     *
     * @throws IOException when it is a link or a file, or belongs to someone else
     */
    public static void requirePrivateDirectory(Path dir) throws IOException {
        if (!isPosix(dir)) {
            Files.createDirectories(dir);
            return;
        }
        if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException raced) {
                // checked below like any existing entry
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException(dir + " is a symbolic link; it must be a folder of your own");
        }
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a folder");
        }
        if (!isMine(dir, attributes)) {
            throw new IOException(dir + " belongs to " + attributes.owner().getName() + ", not to you");
        }
        if (!attributes.permissions().equals(OWNER_ONLY_DIRECTORY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
        }
    }

    /** Whether the entry these attributes were read from belongs to the user running this program. */
    public static boolean isMine(Path path, PosixFileAttributes attributes) throws IOException {
        return attributes.owner().equals(currentUser(path));
    }

    private static UserPrincipal currentUser(Path path) throws IOException {
        return path.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Owner-only permissions for a new file, where the file system has POSIX permissions. */
    public static FileAttribute<?>[] ownerOnlyFile(Path path) {
        return isPosix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
    }

    /**
     * Replaces {@code target} with {@code content} so that readers see the old or the new file,
     * never a mix: an owner-only temp file in the same folder, flushed to disk, then renamed.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + ".";
        Path temp = isPosix(dir)
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(dir, prefix, ".tmp", new FileAttribute<?>[0]);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Makes the rename durable where the platform allows opening a folder (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException notSupported) {
            // Windows and some file systems cannot: the rename itself is still atomic
        }
    }

    /** The first {@code max} bytes of a file; {@code truncated} when there was more. */
    public record Bounded(byte[] bytes, boolean truncated) {
    }

    public static Bounded readBounded(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                byte[] head = new byte[max];
                System.arraycopy(bytes, 0, head, 0, max);
                return new Bounded(head, true);
            }
            return new Bounded(bytes, false);
        }
    }

    public interface IoAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} holding an exclusive lock on {@code lockFile}, against other threads of
     * this JVM and against other processes. Where the file system cannot lock, only threads are
     * excluded.
     */
    public static <T> T withLock(Path lockFile, IoAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = openLockFile(key)) {
            FileLock processLock = tryLock(channel);
            try {
                return action.run();
            } finally {
                if (processLock != null) {
                    processLock.release();
                }
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private static FileChannel openLockFile(Path lockFile) throws IOException {
        if (isPosix(lockFile) && Files.notExists(lockFile)) {
            try {
                Files.createFile(lockFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it first
            }
        }
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock tryLock(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException | OverlappingFileLockException | UnsupportedOperationException cannotLock) {
            return null;
        }
    }
}
