package dev.p2pchat.peer.session;

import dev.p2pchat.peer.identity.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where received files go, and the disk rules for receiving them; shared by every session of
 * the program.
 *
 * <p>A file being received is a <em>partial</em> in a private folder of our own (by default
 * {@code partials/} in the home folder: owner-only, checked to be ours), named by a hash of
 * (sender, offered name, size) so that a second offer of the same file resumes it. Partials are
 * opened without following links and resumed only from a regular file of ours. Only a partial
 * whose SHA-256 matched the sender's gets a final name in the downloads folder: sanitized,
 * directly inside it, never replacing anything ({@code name (1).ext}), published by a hard link
 * (or, across file systems, a copy into a new file) that neither follows nor replaces an entry.
 *
 * <p>An offer is refused when it would leave less than {@link Settings#keepFree()} free on the
 * disk; partials older than {@link Settings#partialsMaxAge()} are removed, and the oldest idle
 * ones go when they take more than {@link Settings#partialsLimit()} together.
 */
public final class Downloads {

    /**
     * How much room receiving may take.
     *
     * @param allowSharedFolder receive into a downloads folder that other users may write to
     * @param keepFree          bytes an offer must leave free on the disk, or {@link #AUTO}
     * @param partialsLimit     bytes that partials kept for a resume may take together
     * @param partialsMaxAge    partials untouched for longer are removed
     */
    public record Settings(boolean allowSharedFolder, long keepFree, long partialsLimit, Duration partialsMaxAge) {

        /** {@code keepFree}: 1 GiB, or 5 % of a disk smaller than 20 GiB. */
        public static final long AUTO = -1;
        public static final long DEFAULT_PARTIALS_LIMIT = 10L << 30;
        public static final Duration DEFAULT_PARTIALS_MAX_AGE = Duration.ofDays(7);
        public static final Settings DEFAULTS = new Settings(false, AUTO, DEFAULT_PARTIALS_LIMIT,
                DEFAULT_PARTIALS_MAX_AGE);

        public Settings {
            if (keepFree < AUTO || partialsLimit < 0 || partialsMaxAge.isNegative() || partialsMaxAge.isZero()) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    /** Refused for a reason the peer may read (no local paths in it). */
    static final class Refused extends Exception {
        private final String forPeer;

        Refused(String reason) {
            this(reason, reason);
        }

        /** {@code reason} for our user; {@code forPeer} is all the sender is told. */
        Refused(String reason, String forPeer) {
            super(reason);
            this.forPeer = forPeer;
        }

        /** What the sender may know: never our disk's figures. */
        String forPeer() {
            return forPeer;
        }
    }

    /** The disk, as free space goes (tests give their own). */
    interface Disk {
        long usable(Path path) throws IOException;

        long total(Path path) throws IOException;

        boolean sameDisk(Path a, Path b) throws IOException;

        Disk REAL = new Disk() {
            @Override
            public long usable(Path path) throws IOException {
                return Files.getFileStore(path).getUsableSpace();
            }

            @Override
            public long total(Path path) throws IOException {
                return Files.getFileStore(path).getTotalSpace();
            }

            @Override
            public boolean sameDisk(Path a, Path b) throws IOException {
                return Files.getFileStore(a).equals(Files.getFileStore(b));
            }
        };
    }

    static final String PARTIAL_SUFFIX = ".part";
    /** Partials kept beyond this many go, oldest first, whatever their size. */
    static final int MAX_KEPT_PARTIALS = 1000;
    private static final long GIB = 1L << 30;

    private final Path dir;
    private final Path partials;
    private final Settings settings;
    private final Clock clock;
    private final Disk disk;
    /** Partials being written, by any session: never removed, never claimed twice. */
    private final Map<Path, Claim> claims = new ConcurrentHashMap<>();

    public Downloads(Path dir, Path partials) {
        this(dir, partials, Settings.DEFAULTS);
    }

    public Downloads(Path dir, Path partials, Settings settings) {
        this(dir, partials, settings, Clock.systemUTC(), Disk.REAL);
    }

    Downloads(Path dir, Path partials, Settings settings, Clock clock, Disk disk) {
        this.dir = dir.toAbsolutePath().normalize();
        this.partials = partials.toAbsolutePath().normalize();
        this.settings = settings;
        this.clock = clock;
        this.disk = disk;
    }

    public Path dir() {
        return dir;
    }

    public Path partials() {
        return partials;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Ready to receive: the partials folder is ours and private, the downloads folder exists and
     * others cannot write to it (unless allowed), and partials past their age are gone. Called at
     * start, so that a bad folder is said at once, and before each offer.
     */
    public void prepare() throws IOException {
        prepareFolders();
        removeOld(Set.of());
    }

    private void prepareFolders() throws IOException {
        SecureFiles.requirePrivateDirectory(partials);
        Files.createDirectories(dir);
        checkNotShared();
    }

    /** The folder must not let others swap a received file after we checked it. */
    private void checkNotShared() throws IOException {
        if (settings.allowSharedFolder() || !SecureFiles.isPosix(dir)) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
        Set<PosixFilePermission> permissions = attributes.permissions();
        boolean othersWrite = permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
        if (othersWrite && !(sticky(dir) && SecureFiles.isMine(dir, attributes))) {
            throw new IOException("the downloads folder " + dir + " can be written by other users, who could replace"
                    + " a file after it was verified; choose a private folder (--downloads DIR), or accept the risk"
                    + " with --allow-shared-downloads");
        }
    }

    /** The sticky bit: others may add entries but not remove or rename ours. */
    private static boolean sticky(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode") & 01000) != 0;
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    // ---------------------------------------------------------------- claiming a partial for an offer

    /**
     * A partial that one incoming file writes: claimed for the offer, opened when the file is
     * accepted, published or kept (for a resume) at the end, then released.
     */
    final class Claim {
        private final Path partial;
        private final Transfer transfer;
        /** Counted against the free space (and the partials limit made room for): accepted files only. */
        private volatile boolean reserved;

        private Claim(Path partial, Transfer transfer) {
            this.partial = partial;
            this.transfer = transfer;
        }

        Path partial() {
            return partial;
        }

        /** Bytes still to come for this file, if it was accepted; an undecided offer reserves nothing. */
        private long remaining() {
            return reserved ? Math.max(0, transfer.size() - transfer.done()) : 0;
        }

        /**
         * When the file is accepted (not before: an offer nobody agreed to must not make anyone
         * else's partials go, nor hold disk space): old partials make room under the limit, and
         * the file, with the others on their way, must leave enough free space.
         */
        void reserve() throws Refused, IOException {
            long have = Math.max(0, lengthOf(partial));
            long needed = transfer.size() - Math.min(have, transfer.size());
            keepWithinLimit(partial, needed);
            for (Claim other : claims.values()) {
                if (other != this) {
                    needed += other.remaining(); // files already on their way here
                }
            }
            checkSpace(partials, needed);
            if (!disk.sameDisk(partials, dir)) {
                checkSpace(dir, transfer.size()); // the verified file is copied over there
            }
            reserved = true;
        }

        /**
         * Opens the partial for writing at its end: a regular file of ours is resumed (the
         * returned length), anything else in its place (a link, another user's file) is removed,
         * never followed, and a new file is created, owner-only.
         */
        FileChannel open(long size) throws IOException {
            long have = lengthOf(partial);
            if (have <= 0 || have > size) {
                removeEntry(partial);
                return FileChannel.open(partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), SecureFiles.ownerOnlyFile(partial));
            }
            FileChannel channel = FileChannel.open(partial, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
            channel.position(channel.size());
            return channel;
        }

        /** Gives the verified partial its final name, in its folders; see {@link Downloads#publish}. */
        Path publish(List<String> folders, String offeredName, String sha256) throws IOException {
            try {
                return Downloads.this.publish(partial, folders, offeredName, sha256);
            } finally {
                release();
            }
        }

        /** An empty folder that was sent: made (or found) in the downloads folder; the empty partial goes. */
        Path publishFolder(List<String> folders, String offeredName) throws IOException {
            try {
                List<String> all = new ArrayList<>(folders);
                all.add(FileNames.sanitize(offeredName));
                Path made = folder(all);
                Files.deleteIfExists(partial);
                return made;
            } finally {
                release();
            }
        }

        /** Deletes the partial (its bytes are wrong or stale) and releases it. */
        void discard() {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // replaced when the file comes again, or removed with age
            } finally {
                release();
            }
        }

        /** Keeps the partial for a later resume; it may be removed from now on. */
        void release() {
            claims.remove(partial, this);
        }
    }

    /**
     * Claims the partial for an offer, after the disk rules: the folders are ready, the same file
     * is not already on its way, old partials are gone, and the file leaves enough free space.
     *
     * @throws Refused     when the offer breaks a rule (the reason may go to the peer)
     * @throws IOException when a folder is unusable (the reason is local)
     */
    Claim claim(String sender, String offeredName, long size, Transfer transfer) throws Refused, IOException {
        return claim(sender, null, offeredName, size, transfer);
    }

    /** The same for a file of a folder: its partial is keyed by its path too. */
    Claim claim(String sender, String path, String offeredName, long size, Transfer transfer)
            throws Refused, IOException {
        prepareFolders();
        Path partial = partialFor(sender, path == null ? offeredName : path + '/' + offeredName, size);
        Claim claim = new Claim(partial, transfer);
        if (claims.putIfAbsent(partial, claim) != null) {
            // both would write the same partial, and one would publish the other's bytes
            throw new Refused("a file of that name and size is already on its way; send it again afterwards");
        }
        try {
            // a quick look only: space is reserved, and old partials removed, when it is accepted
            checkSpace(partials, size - Math.min(Math.max(0, lengthOf(partial)), size));
            return claim;
        } catch (Refused | IOException | RuntimeException e) {
            claim.release();
            throw e;
        }
    }

    private void checkSpace(Path where, long needed) throws IOException, Refused {
        long free = disk.usable(where);
        long keep = keepFree(where);
        if (needed > free - keep) {
            throw new Refused("not enough free disk space: " + Sizes.human(needed) + " needed, " + Sizes.human(free)
                    + " free, and " + Sizes.human(keep) + " kept free", "not enough free disk space");
        }
    }

    /** What an offer must leave free: the setting, or 1 GiB, or 5 % of a disk under 20 GiB. */
    long keepFree(Path where) throws IOException {
        return settings.keepFree() != Settings.AUTO ? settings.keepFree() : Math.min(GIB, disk.total(where) / 20);
    }

    Path partialFor(String sender, String offeredName, long size) {
        String key = sender.toLowerCase(Locale.ROOT) + '\0' + offeredName + '\0' + size;
        MessageDigest digest = Transfers.sha256();
        byte[] hash = digest.digest(key.getBytes(StandardCharsets.UTF_8));
        return partials.resolve(Transfers.hex(hash).substring(0, 32) + PARTIAL_SUFFIX);
    }

    // ---------------------------------------------------------------- partials on disk

    /**
     * The length of a partial we may resume: a regular file of ours with no other name; -1 for
     * anything else (a link, a folder, another user's file), 0 when there is none.
     */
    static long lengthOf(Path partial) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = SecureFiles.isPosix(partial)
                    ? Files.readAttributes(partial, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(partial, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException none) {
            return 0;
        }
        if (!attributes.isRegularFile()) {
            return -1;
        }
        if (attributes instanceof PosixFileAttributes posix
                && (!SecureFiles.isMine(partial, posix) || links(partial) > 1)) {
            return -1;
        }
        return attributes.size();
    }

    /** How many names the file has (a hard link to someone's file is not ours to append to). */
    private static int links(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException unknown) {
            return 1;
        }
    }

    /** Removes a directory entry itself (a link is removed, never followed). */
    private static void removeEntry(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    private record Kept(Path path, long size, Instant modified) {
    }

    /** The partials on disk that no session is writing, oldest first. */
    private List<Kept> idlePartials(Set<Path> spared) throws IOException {
        List<Kept> kept = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(partials)) {
            for (Path entry : entries) {
                if (claims.containsKey(entry) || spared.contains(entry)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (attributes.isDirectory()) {
                    continue; // not ours to empty
                }
                kept.add(new Kept(entry, attributes.isRegularFile() ? attributes.size() : 0,
                        attributes.lastModifiedTime().toInstant()));
            }
        }
        kept.sort(Comparator.comparing(Kept::modified));
        return kept;
    }

    /** Removes idle partials untouched for longer than the maximum age. */
    private synchronized List<Kept> removeOld(Set<Path> spared) throws IOException {
        Instant oldest = clock.instant().minus(settings.partialsMaxAge());
        List<Kept> left = new ArrayList<>();
        for (Kept partial : idlePartials(spared)) {
            if (partial.modified().isBefore(oldest)) {
                removeEntry(partial.path());
            } else {
                left.add(partial);
            }
        }
        return left;
    }

    /**
     * Makes room among the partials kept for a resume: the oldest idle ones go while, with the
     * {@code needed} bytes of the coming file, they would take more than the limit, or while
     * there are too many. The partial of the coming file itself is spared.
     */
    private synchronized void keepWithinLimit(Path coming, long needed) throws IOException {
        List<Kept> left = removeOld(Set.of(coming));
        long total = left.stream().mapToLong(Kept::size).sum();
        int count = left.size();
        for (Kept partial : left) {
            if (total + needed <= settings.partialsLimit() && count < MAX_KEPT_PARTIALS) {
                break;
            }
            removeEntry(partial.path());
            total -= partial.size();
            count--;
        }
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Gives a verified partial its final, sanitized, unused name in this folder, without
     * following or replacing any entry: a hard link where the partial is on the same disk (it
     * fails if the name is taken, by anything, even a dangling link), else a copy into a file
     * created new, checked against {@code sha256}. Then the partial goes.
     */
    Path publish(Path partial, String offeredName, String sha256) throws IOException {
        return publish(partial, List.of(), offeredName, sha256);
    }

    /**
     * The same inside {@code folders} (sanitized names, see {@link FileNames#folders}) below the
     * downloads folder, made as needed.
     */
    Path publish(Path partial, List<String> folders, String offeredName, String sha256) throws IOException {
        String name = FileNames.sanitize(offeredName);
        Path where = folder(folders);
        for (int n = 0; n < 10_000; n++) {
            Path target = where.resolve(n == 0 ? name : FileNames.numbered(name, n)).normalize();
            if (!where.equals(target.getParent())) {
                throw new IllegalStateException("sanitized name escapes the downloads folder: " + target);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                link(target, partial, sha256);
                Files.delete(partial);
                return target;
            } catch (FileAlreadyExistsException taken) {
                // someone took that name meanwhile: try the next
            }
        }
        throw new IOException("no free name for '" + name + "' in " + where);
    }

    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnlyFolder(Path path) {
        return SecureFiles.isPosix(path) ? new java.nio.file.attribute.FileAttribute<?>[] {
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))}
                : new java.nio.file.attribute.FileAttribute<?>[0];
    }

    /**
     * The folder {@code folders} (sanitized names) below the downloads folder, each level made
     * if missing. A level that exists must be a real folder: a link, even to a folder, is never
     * followed (it could lead anywhere); a file in the way is an error.
     */
    Path folder(List<String> folders) throws IOException {
        if (folders.size() > FileNames.MAX_DEPTH) {
            throw new IllegalStateException("more than " + FileNames.MAX_DEPTH + " folders: " + folders.size());
        }
        Path where = dir;
        for (String folder : folders) {
            Path next = where.resolve(folder).normalize();
            if (!where.equals(next.getParent())) {
                throw new IllegalStateException("sanitized folder name escapes the downloads folder: " + next);
            }
            try {
                Files.createDirectory(next, ownerOnlyFolder(next));
            } catch (FileAlreadyExistsException exists) {
                if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("'" + dir.relativize(next) + "' in the downloads folder is not a folder");
                }
            }
            where = next;
        }
        return where;
    }

    private static void link(Path target, Path partial, String sha256) throws IOException {
        try {
            Files.createLink(target, partial);
        } catch (FileAlreadyExistsException taken) {
            throw taken;
        } catch (FileSystemException | UnsupportedOperationException otherDisk) {
            copy(target, partial, sha256);
        }
    }

    private static void copy(Path target, Path partial, String sha256) throws IOException {
        Set<OpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        // CREATE_NEW fails on any existing entry, a link included: the name is taken, try the next
        FileChannel created = FileChannel.open(target, create, SecureFiles.ownerOnlyFile(target));
        boolean done = false;
        try (FileChannel out = created;
             FileChannel in = FileChannel.open(partial, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            MessageDigest digest = Transfers.sha256();
            ByteBuffer buffer = ByteBuffer.allocate(Transfers.CHUNK);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                buffer.clear();
            }
            if (!Transfers.hex(digest.digest()).equals(sha256)) {
                throw new IOException("the copy into the downloads folder differs from the verified file");
            }
            out.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(target); // the half copy we created
            }
        }
    }
}
