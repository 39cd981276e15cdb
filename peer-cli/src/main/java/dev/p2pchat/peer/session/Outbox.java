package dev.p2pchat.peer.session;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * What {@code send} sends: files, and folder trees listed without following links, offered a
 * window at a time so that many small files do not each wait for a round trip.
 *
 * <p>A folder keeps its structure: every file is offered with the folders above it, from the
 * folder named on the command line (its own name included), and every empty folder is offered
 * as such (docs/PROTOCOL.md, FILE_OFFER {@code path} and {@code folder}). Links inside a folder
 * are reported and never followed; so are devices, pipes and sockets, and folders that cannot
 * be read.
 */
public final class Outbox {

    /**
     * Offers unsettled at once, at most: fewer when the receiver's HELLO says it takes fewer
     * ({@link ChatSession#peerFilesAtOnce()}: 8 when it says nothing, docs/PROTOCOL.md 7.2).
     */
    public static final int MAX_WINDOW = 32;
    /** Entries one {@code send} lists; a tree beyond it is refused before anything is offered. */
    public static final int MAX_ENTRIES = 1_000_000;
    /**
     * Failures in a row after which the rest is not offered: a receiver that refuses everything
     * (it does not take files, its disk is full) would otherwise end the session after 64 refusals.
     */
    static final int STOP_AFTER_FAILURES_IN_A_ROW = 32;

    private Outbox() {
    }

    /**
     * One thing to offer: a file (with {@code path} null when it was named on the command line),
     * or an empty folder ({@code folder}).
     *
     * @param path the folders above it, joined with '/', or null
     * @param size its size when it was listed (0 for a folder)
     */
    public record Entry(Path source, String path, boolean folder, long size) {

        /** As the receiver will see it: {@code folders/name}. */
        public String shown() {
            String name = source.getFileName() == null ? source.toString() : source.getFileName().toString();
            return path == null ? name : path + "/" + name;
        }
    }

    /** Something in a folder that is not sent, and why. */
    public record Skipped(Path source, String shown, String reason) {
    }

    public record Listing(List<Entry> entries, List<Skipped> skipped) {
    }

    /** One entry and how it ended. */
    public record Sent(Entry entry, Transfer.Result result) {
    }

    /**
     * Lists what the command-line {@code paths} send: a file as itself, a folder as its tree.
     *
     * @throws IOException when a path is neither a readable file nor a folder, or the tree has more
     *                     than {@link #MAX_ENTRIES} entries
     */
    public static Listing list(List<Path> paths) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path given : paths) {
            if (Files.isDirectory(given)) {
                // the folder named by the user may itself be a link they chose; inside it, none is followed
                Path root = given.toRealPath();
                String top = given.toAbsolutePath().normalize().getFileName() == null ? "folder"
                        : given.toAbsolutePath().normalize().getFileName().toString();
                walk(root, top, entries, skipped);
            } else if (Files.isRegularFile(given) && Files.isReadable(given)) {
                entries.add(new Entry(given.toAbsolutePath(), null, false, Files.size(given)));
            } else {
                throw new IOException("cannot send " + given + ": not a readable file or folder");
            }
            if (entries.size() > MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " files and folders to send");
            }
        }
        return new Listing(List.copyOf(entries), List.copyOf(skipped));
    }

    private static void walk(Path root, String top, List<Entry> entries, List<Skipped> skipped) throws IOException {
        Deque<AtomicInteger> children = new ArrayDeque<>();
        List<Entry> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!children.isEmpty()) {
                    children.peek().incrementAndGet();
                }
                children.push(new AtomicInteger());
                if (found.size() > MAX_ENTRIES) {
                    throw new IOException("more than " + MAX_ENTRIES + " files and folders to send");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                children.peek().incrementAndGet();
                String path = folderOf(root, top, file);
                if (attributes.isRegularFile()) {
                    found.add(new Entry(file, path, false, attributes.size()));
                } else {
                    skipped.add(new Skipped(file, path + "/" + file.getFileName(), attributes.isSymbolicLink()
                            ? "a symbolic link: not followed" : "not a regular file"));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!children.isEmpty()) {
                    children.peek().incrementAndGet();
                }
                String shown = file.equals(root) ? top : folderOf(root, top, file) + "/" + file.getFileName();
                skipped.add(new Skipped(file, shown, "cannot be read: " + Transfers.reason(e)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                AtomicInteger inside = children.pop();
                if (e != null) {
                    skipped.add(new Skipped(dir, shownFolder(root, top, dir), "could not be listed in full: "
                            + Transfers.reason(e)));
                } else if (inside.get() == 0) {
                    found.add(dir.equals(root) ? new Entry(dir, null, true, 0)
                            : new Entry(dir, folderOf(root, top, dir), true, 0));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        // the receiver makes folders as their files arrive: any order works; this one is stable
        found.sort(Comparator.comparing((Entry entry) -> entry.path() == null ? "" : entry.path())
                .thenComparing(entry -> entry.source().getFileName().toString()));
        entries.addAll(found);
    }

    /** The folders above {@code entry}, from {@code top} (the name the root is sent under), joined with '/'. */
    private static String folderOf(Path root, String top, Path entry) {
        Path relative = root.relativize(entry).getParent();
        if (relative == null) {
            return top;
        }
        StringBuilder path = new StringBuilder(top);
        for (Path part : relative) {
            path.append('/').append(part);
        }
        return path.toString();
    }

    private static String shownFolder(Path root, String top, Path dir) {
        return dir.equals(root) ? top : folderOf(root, top, dir) + "/" + dir.getFileName();
    }

    /** As below, with the window the receiver takes: at most {@link #MAX_WINDOW}. */
    public static List<Sent> send(ChatSession chat, List<Entry> entries, BiConsumer<Entry, Transfer.Result> each)
            throws InterruptedException {
        return send(chat, entries, Math.min(MAX_WINDOW, chat.peerFilesAtOnce()), each);
    }

    /**
     * Offers every entry, at most {@code window} unsettled at once, and returns how each ended,
     * in the order of {@code entries}. {@code each} hears of every result as it comes (on the
     * thread that settled it). Once the connection is lost, or after
     * {@link #STOP_AFTER_FAILURES_IN_A_ROW} failures in a row, the rest is not offered and says why.
     */
    public static List<Sent> send(ChatSession chat, List<Entry> entries, int window,
                                  BiConsumer<Entry, Transfer.Result> each) throws InterruptedException {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        Semaphore permits = new Semaphore(window);
        AtomicInteger failedInARow = new AtomicInteger();
        AtomicReference<Transfer.Result> stopped = new AtomicReference<>();
        List<CompletableFuture<Transfer.Result>> results = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            permits.acquire();
            Transfer.Result stop = stopped.get();
            if (stop == null && !chat.isOpen()) {
                stop = notOffered(true, "not sent: the session with " + chat.peer() + " is over");
            }
            if (stop != null) {
                permits.release();
                results.add(CompletableFuture.completedFuture(stop));
                continue;
            }
            CompletableFuture<Transfer.Result> result = chat.send(entry);
            results.add(result.whenComplete((r, failure) -> {
                if (r != null && r.lost()) {
                    stopped.compareAndSet(null, notOffered(true, "not sent: the connection to " + chat.peer() + " broke"));
                } else if (r != null && !r.ok()) {
                    if (failedInARow.incrementAndGet() >= STOP_AFTER_FAILURES_IN_A_ROW) {
                        stopped.compareAndSet(null, notOffered(false, "not offered: " + STOP_AFTER_FAILURES_IN_A_ROW
                                + " files in a row were not confirmed"));
                    }
                } else {
                    failedInARow.set(0);
                }
                permits.release();
                if (r != null) {
                    each.accept(entry, r);
                }
            }));
        }
        List<Sent> sent = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            sent.add(new Sent(entries.get(i), results.get(i).join()));
        }
        return sent;
    }

    private static Transfer.Result notOffered(boolean lost, String message) {
        return new Transfer.Result(false, lost, message, null, null, 0, Duration.ZERO);
    }
}
