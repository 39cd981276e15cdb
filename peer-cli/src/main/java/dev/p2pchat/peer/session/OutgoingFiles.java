package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files this side sends on one connection. FILE_OFFER, then on FILE_ACCEPT the file is
 * streamed from the accepted offset in chunks, hashed as it goes, and FILE_END carries the
 * SHA-256 of the whole file; FILE_RESULT settles it. A resume offset comes with the receiver's
 * hash of its prefix, checked against ours first.
 */
final class OutgoingFiles {

    /** Where one file stands. Only {@link #SETTLED} is final; a file is settled exactly once. */
    enum State {
        /** FILE_OFFER sent, no answer yet. */
        OFFERED,
        /** FILE_ACCEPT received: data is on its way. */
        SENDING,
        /** FILE_END sent: waiting for FILE_RESULT. */
        ENDED,
        /** Confirmed, refused, failed or lost: the result is out. */
        SETTLED
    }

    /**
     * New offers of one file after a "prefix mismatch". An honest receiver drops its partial and
     * takes the new offer from 0 (it MUST NOT resume it), so one is enough; a receiver that keeps
     * asking to resume from bytes the file does not start with would have us hash and re-offer
     * the file for ever.
     */
    static final int MAX_REOFFERS = 2;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Transfers.Link link;
    private final TransferEvents events;
    private final Executor executor;
    /** Our next id: odd for the dialer, even for the listener, increasing by two. */
    private final AtomicLong nextId;
    /**
     * Held from taking an id to writing its FILE_OFFER, so that offers leave in id order (the
     * receiver refuses an id that is not above the previous one). Never taken on the reader.
     */
    private final Object offering = new Object();
    private final Map<Long, Outgoing> outgoing = new ConcurrentHashMap<>();
    private volatile boolean ended;

    OutgoingFiles(Transfers.Link link, boolean dialer, TransferEvents events, Executor executor) {
        this.link = link;
        this.events = events;
        this.executor = executor;
        this.nextId = new AtomicLong(dialer ? 1 : 2);
    }

    private final class Outgoing {
        final Transfer transfer;
        final Path file;
        /** The folders above it in a folder being sent, joined with '/', or null. */
        final String path;
        /** An empty folder, offered as such: no data, made by the receiver. */
        final boolean folder;
        final FileTime modified;
        final CompletableFuture<Transfer.Result> result;
        /** 0 for the first offer of this file, then 1, 2 for the offers after a prefix mismatch. */
        final int reoffer;
        final AtomicReference<State> state = new AtomicReference<>(State.OFFERED);
        volatile String sha256;

        Outgoing(Transfer transfer, Path file, String path, boolean folder, FileTime modified,
                 CompletableFuture<Transfer.Result> result, int reoffer) {
            this.transfer = transfer;
            this.file = file;
            this.path = path;
            this.folder = folder;
            this.modified = modified;
            this.result = result;
            this.reoffer = reoffer;
        }

        boolean settled() {
            return state.get() == State.SETTLED;
        }

        void finish(boolean ok, String message) {
            settle(transfer.result(ok, message, null, sha256));
        }

        void lost() {
            settle(transfer.lost(Transfers.lostMessage(link.peer(), transfer)));
        }

        private void settle(Transfer.Result r) {
            outgoing.remove(transfer.id());
            // tell the console before whoever waits on the result goes on (and perhaps exits)
            if (state.getAndSet(State.SETTLED) != State.SETTLED) {
                events.finished(transfer, r);
                result.complete(r);
            }
        }
    }

    CompletableFuture<Transfer.Result> send(Path file) {
        return send(file, null, false);
    }

    /**
     * Offers a file of a folder ({@code path}: the folders above it, joined with '/'), or with
     * {@code folder} an empty folder itself. Links are never followed: the entry must be a
     * regular file (a folder) itself.
     */
    CompletableFuture<Transfer.Result> send(Path file, String path, boolean folder) {
        return send(file, path, folder, new CompletableFuture<>(), 0);
    }

    /** A file named on the command line may be a link the user chose; inside a folder, links are not followed. */
    private static LinkOption[] links(String path, boolean folder) {
        return path == null && !folder ? new LinkOption[0] : NO_FOLLOW;
    }

    private CompletableFuture<Transfer.Result> send(Path file, String path, boolean folder,
                                                    CompletableFuture<Transfer.Result> result, int reoffer) {
        long size;
        FileTime modified;
        try {
            LinkOption[] links = links(path, folder);
            if (folder ? !Files.isDirectory(file, links) : !Files.isRegularFile(file, links)) {
                throw new NoSuchFileException(file.toString(), null, folder ? "not a folder" : "not a regular file");
            }
            size = folder ? 0 : Files.size(file);
            modified = Files.getLastModifiedTime(file, links);
        } catch (IOException e) {
            result.complete(new Transfer.Result(false, false, "cannot read " + file + ": " + Transfers.reason(e), null,
                    null, 0, Duration.ZERO));
            return result;
        }
        String name = file.getFileName() == null ? "file" : file.getFileName().toString();
        String shown = path == null ? name : path + "/" + name;
        synchronized (offering) {
            long id = nextId.getAndAdd(2);
            if (id > Frames.MAX_ID) {
                result.complete(new Transfer.Result(false, false, "too many files on one connection", null, null, 0,
                        Duration.ZERO));
                return result;
            }
            Outgoing out = new Outgoing(new Transfer(id, Transfer.Direction.SEND, link.peer(), shown, size), file,
                    path, folder, modified, result, reoffer);
            outgoing.put(id, out);
            if (ended) {
                out.finish(false, "the connection is closed");
                return result;
            }
            try {
                link.send(new Frame.FileOffer(id, name, size, path, folder));
            } catch (IOException e) {
                out.finish(false, "connection to " + link.peer() + " lost: " + Transfers.reason(e));
            }
        }
        return result;
    }

    void onAccept(Frame.FileAccept accept) throws ProtocolException {
        Outgoing out = outgoing.get(accept.id());
        if (out == null) {
            throw new ProtocolException("FILE_ACCEPT for unknown file id " + accept.id());
        }
        if (out.state.get() != State.OFFERED) {
            throw new ProtocolException("second FILE_ACCEPT for file id " + accept.id());
        }
        if (accept.offset() > out.transfer.size()) {
            throw new ProtocolException("FILE_ACCEPT offset " + accept.offset() + " is beyond the size "
                    + out.transfer.size() + " of file id " + accept.id());
        }
        if (out.state.compareAndSet(State.OFFERED, State.SENDING)) {
            executor.execute(() -> stream(out, accept.offset(), accept.prefixSha256()));
        }
    }

    /** Runs on the executor: check the prefix, stream the rest, announce the hash. */
    private void stream(Outgoing out, long offset, String prefixSha256) {
        Transfer transfer = out.transfer;
        long id = transfer.id();
        if (out.folder) {
            transfer.start(0);
            out.sha256 = Transfers.hex(Transfers.sha256().digest()); // of nothing: a folder has no bytes
            try {
                if (out.state.compareAndSet(State.SENDING, State.ENDED)) {
                    link.send(new Frame.FileEnd(id, out.sha256));
                }
            } catch (Transfers.LinkDown e) {
                out.lost();
            }
            return;
        }
        MessageDigest digest = Transfers.sha256();
        // no larger than the file: ten thousand small files must not cost ten thousand full chunks
        byte[] buffer = new byte[(int) Math.max(1, Math.min(Transfers.CHUNK, transfer.size()))];
        try (FileChannel channel = out.path == null ? FileChannel.open(out.file, StandardOpenOption.READ)
                : FileChannel.open(out.file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (offset > 0) {
                Transfers.hash(channel, offset, digest, buffer);
                String ours = Transfers.hexSoFar(digest);
                if (!ours.equals(prefixSha256)) {
                    // the receiver's partial is not a prefix of this file: start over under a new id
                    link.send(new Frame.FileReject(id, Transfers.PREFIX_MISMATCH));
                    if (out.reoffer >= MAX_REOFFERS) {
                        out.finish(false, link.peer() + " asked " + (out.reoffer + 1) + " times to resume '"
                                + transfer.name() + "' from bytes it does not start with; not sent ("
                                + link.peer() + " should remove its partial of it)");
                        return;
                    }
                    outgoing.remove(id);
                    send(out.file, out.path, out.folder, out.result, out.reoffer + 1);
                    return;
                }
            }
            transfer.start(offset);
            events.started(transfer);
            channel.position(offset);
            long left = transfer.size() - offset;
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            while (left > 0) {
                if (out.settled() || ended) {
                    return;
                }
                wrapped.clear().limit((int) Math.min(buffer.length, left));
                int n = channel.read(wrapped);
                if (n < 0) {
                    cancelChanged(out);
                    return;
                }
                digest.update(buffer, 0, n);
                link.send(new Frame.FileData(id, buffer, 0, n));
                left -= n;
                transfer.advance(n);
                events.progress(transfer);
            }
            if (channel.size() != transfer.size()
                    || !Files.getLastModifiedTime(out.file, links(out.path, false)).equals(out.modified)) {
                cancelChanged(out);
                return;
            }
            out.sha256 = Transfers.hex(digest.digest());
            if (out.state.compareAndSet(State.SENDING, State.ENDED)) {
                link.send(new Frame.FileEnd(id, out.sha256));
            }
        } catch (Transfers.LinkDown e) {
            out.lost();
        } catch (IOException e) {
            try {
                link.send(new Frame.FileReject(id, "the sender cannot read the file"));
            } catch (Transfers.LinkDown ignored) {
                // the connection is gone too; the result says why
            }
            out.finish(false, "cannot read " + out.file + ": " + Transfers.reason(e));
        }
    }

    private void cancelChanged(Outgoing out) throws IOException {
        link.send(new Frame.FileReject(out.transfer.id(), "the source file changed while it was sent"));
        out.finish(false, out.file + " changed while it was sent; send it again");
    }

    void onResult(Frame.FileResult result) throws ProtocolException {
        Outgoing out = outgoing.get(result.id());
        if (out == null) {
            throw new ProtocolException("FILE_RESULT for unknown file id " + result.id());
        }
        if (out.state.get() != State.ENDED) {
            throw new ProtocolException("FILE_RESULT before FILE_END for file id " + result.id());
        }
        if (result.ok() && out.sha256.equals(result.sha256())) {
            out.finish(true, "verified by " + link.peer());
        } else if (out.sha256.equals(result.sha256())) {
            out.finish(false, link.peer() + " received '" + out.transfer.name()
                    + "' intact but could not save it; send it again");
        } else {
            out.finish(false, link.peer() + " received different bytes (SHA-256 " + result.sha256()
                    + ", sent " + out.sha256 + "); the file was discarded, send it again");
        }
    }

    /** The receiver refused or cancelled one of our files; a REJECT for a file already settled is dropped. */
    void onReject(Frame.FileReject reject) {
        Outgoing out = outgoing.get(reject.id());
        if (out != null) {
            out.finish(false, link.peer() + " refused '" + out.transfer.name() + "': " + reject.reason());
        }
    }

    void ended() {
        ended = true;
        for (Outgoing out : outgoing.values()) {
            out.lost();
        }
    }

    boolean busy() {
        return !outgoing.isEmpty();
    }
}
