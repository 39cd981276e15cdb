package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file-transfer state machines of one session (docs/PROTOCOL.md, "File transfer").
 *
 * <p>Sending: FILE_OFFER, then on FILE_ACCEPT the file is streamed from the accepted offset in
 * chunks, hashed as it goes, and FILE_END carries the SHA-256 of the whole file; FILE_RESULT
 * settles it. A resume offset comes with the receiver's hash of its prefix, checked against
 * ours first. Receiving: an offer is checked against the policy and the disk, a partial of the
 * same file is resumed, data is appended and hashed, and only a matching hash gives the file
 * its final name. The dialer numbers its files with odd ids, the listener with even ids, so a
 * FILE_REJECT is never ambiguous.
 *
 * <p>Frames arrive on the session's reader thread; files are read and prefixes hashed on the
 * transfer executor, so chat keeps flowing.
 */
final class Transfers {

    /** Chunk size of FILE_DATA: large enough to cost little per frame, small enough to interleave chat. */
    static final int CHUNK = 256 * 1024;
    static final String PREFIX_MISMATCH = "prefix mismatch";

    interface Link {
        String peer();

        /** @throws LinkDown when the connection is gone */
        void send(Frame frame) throws LinkDown;
    }

    /** Sending failed because the connection is gone (not because of a file). */
    static final class LinkDown extends IOException {
        LinkDown(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Link link;
    private final TransferEvents events;
    private final ReceivePolicy policy;
    private final Executor executor;
    private final boolean oddIds;
    private final AtomicLong nextId;
    private final Map<Long, Outgoing> outgoing = new ConcurrentHashMap<>();
    private final Map<Long, Incoming> incoming = new ConcurrentHashMap<>();
    /** Incoming ids we cancelled: their frames still in flight are dropped, not errors. */
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    /** Every id the peer offered on this connection (reader thread only): ids are unique, in any order. */
    private final Set<Long> incomingIds = new HashSet<>();
    private volatile boolean ended;

    Transfers(Link link, boolean dialer, TransferEvents events, ReceivePolicy policy, Executor executor) {
        this.link = link;
        this.events = events;
        this.policy = policy;
        this.executor = executor;
        this.oddIds = dialer;
        this.nextId = new AtomicLong(dialer ? 1 : 2);
    }

    // ---------------------------------------------------------------- sending

    private final class Outgoing {
        final Transfer transfer;
        final Path file;
        final FileTime modified;
        final CompletableFuture<Transfer.Result> result;
        volatile boolean accepted;
        volatile boolean cancelled;
        volatile String sha256;
        final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();

        Outgoing(Transfer transfer, Path file, FileTime modified, CompletableFuture<Transfer.Result> result) {
            this.transfer = transfer;
            this.file = file;
            this.modified = modified;
            this.result = result;
        }

        void finish(boolean ok, String message) {
            settle(transfer.result(ok, message, null, sha256));
        }

        void lost() {
            settle(transfer.lost(lostMessage(transfer)));
        }

        private void settle(Transfer.Result r) {
            outgoing.remove(transfer.id());
            // tell the console before whoever waits on the result goes on (and perhaps exits)
            if (settled.compareAndSet(false, true)) {
                events.finished(transfer, r);
                result.complete(r);
            }
        }
    }

    CompletableFuture<Transfer.Result> send(Path file) {
        return send(file, new CompletableFuture<>());
    }

    private CompletableFuture<Transfer.Result> send(Path file, CompletableFuture<Transfer.Result> result) {
        long size;
        FileTime modified;
        try {
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "not a regular file");
            }
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            result.complete(new Transfer.Result(false, false, "cannot read " + file + ": " + reason(e), null, null, 0,
                    java.time.Duration.ZERO));
            return result;
        }
        long id = nextId.getAndAdd(2);
        if (id > Frames.MAX_ID) {
            result.complete(new Transfer.Result(false, false, "too many files on one connection", null, null, 0,
                    java.time.Duration.ZERO));
            return result;
        }
        String name = file.getFileName() == null ? "file" : file.getFileName().toString();
        Outgoing out = new Outgoing(new Transfer(id, Transfer.Direction.SEND, link.peer(), name, size), file, modified,
                result);
        outgoing.put(id, out);
        if (ended) {
            out.finish(false, "the connection is closed");
            return result;
        }
        try {
            link.send(new Frame.FileOffer(id, name, size));
        } catch (IOException e) {
            out.finish(false, "connection to " + link.peer() + " lost: " + reason(e));
        }
        return result;
    }

    private void onAccept(Frame.FileAccept accept) throws ProtocolException {
        Outgoing out = outgoing.get(accept.id());
        if (out == null) {
            throw new ProtocolException("FILE_ACCEPT for unknown file id " + accept.id());
        }
        if (out.accepted) {
            throw new ProtocolException("second FILE_ACCEPT for file id " + accept.id());
        }
        if (accept.offset() > out.transfer.size()) {
            throw new ProtocolException("FILE_ACCEPT offset " + accept.offset() + " is beyond the size "
                    + out.transfer.size() + " of file id " + accept.id());
        }
        out.accepted = true;
        executor.execute(() -> stream(out, accept.offset(), accept.prefixSha256()));
    }

    /** Runs on the executor: check the prefix, stream the rest, announce the hash. */
    private void stream(Outgoing out, long offset, String prefixSha256) {
        Transfer transfer = out.transfer;
        long id = transfer.id();
        MessageDigest digest = sha256();
        byte[] buffer = new byte[CHUNK];
        try (FileChannel channel = FileChannel.open(out.file, StandardOpenOption.READ)) {
            if (offset > 0) {
                hash(channel, offset, digest, buffer);
                String ours = hexSoFar(digest);
                if (!ours.equals(prefixSha256)) {
                    // the receiver's partial is not a prefix of this file: start over under a new id
                    link.send(new Frame.FileReject(id, PREFIX_MISMATCH));
                    outgoing.remove(id);
                    send(out.file, out.result);
                    return;
                }
            }
            transfer.start(offset);
            events.started(transfer);
            channel.position(offset);
            long left = transfer.size() - offset;
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            while (left > 0) {
                if (out.cancelled || ended) {
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
            if (Files.size(out.file) != transfer.size() || !Files.getLastModifiedTime(out.file).equals(out.modified)) {
                cancelChanged(out);
                return;
            }
            out.sha256 = hex(digest.digest());
            link.send(new Frame.FileEnd(id, out.sha256));
        } catch (LinkDown e) {
            out.lost();
        } catch (IOException e) {
            try {
                link.send(new Frame.FileReject(id, "the sender cannot read the file"));
            } catch (LinkDown ignored) {
                // the connection is gone too; the result says why
            }
            out.finish(false, "cannot read " + out.file + ": " + reason(e));
        }
    }

    private void cancelChanged(Outgoing out) throws IOException {
        link.send(new Frame.FileReject(out.transfer.id(), "the source file changed while it was sent"));
        out.finish(false, out.file + " changed while it was sent; send it again");
    }

    private void onResult(Frame.FileResult result) throws ProtocolException {
        Outgoing out = outgoing.get(result.id());
        if (out == null) {
            throw new ProtocolException("FILE_RESULT for unknown file id " + result.id());
        }
        if (out.sha256 == null) {
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

    // ---------------------------------------------------------------- receiving

    private enum Stage { DECIDING, RECEIVING }

    private final class Incoming {
        final Transfer transfer;
        final Path partial;
        volatile Stage stage = Stage.DECIDING;
        FileChannel channel;
        MessageDigest digest;
        long received;

        Incoming(Transfer transfer, Path partial) {
            this.transfer = transfer;
            this.partial = partial;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to save
                }
            }
        }

        void finish(boolean ok, String message, Path savedAs, String sha256) {
            settle(transfer.result(ok, message, savedAs, sha256));
        }

        void lost() {
            settle(transfer.lost(lostMessage(transfer)));
        }

        private void settle(Transfer.Result r) {
            incoming.remove(transfer.id());
            close();
            events.finished(transfer, r);
        }
    }

    private void onOffer(Frame.FileOffer offer) throws IOException {
        long id = offer.id();
        if ((id % 2 == 1) == oddIds) {
            throw new ProtocolException("FILE_OFFER id " + id + " has the parity of this side's ids");
        }
        if (!incomingIds.add(id)) {
            throw new ProtocolException("FILE_OFFER reuses id " + id);
        }
        Transfer transfer = new Transfer(id, Transfer.Direction.RECEIVE, link.peer(), offer.name(), offer.size());
        String refusal;
        Path partial = null;
        try {
            refusal = refusal(offer);
            if (refusal == null) {
                partial = policy.downloads().partialFor(link.peer(), offer.name(), offer.size());
            }
        } catch (IOException e) {
            // e.g. the downloads folder is a file or read-only: refuse this file, keep the session
            refusal = "the receiver cannot write the file: " + peerReason(e);
        }
        if (refusal != null) {
            cancelled.add(id); // data the sender already sent for it is dropped, not an error
            link.send(new Frame.FileReject(id, refusal));
            events.finished(transfer, transfer.result(false, "refused '" + offer.name() + "': " + refusal, null, null));
            return;
        }
        Incoming in = new Incoming(transfer, partial);
        incoming.put(id, in);
        CompletableFuture<Boolean> decision = policy.mode() == ReceivePolicy.Mode.ASK
                ? events.ask(transfer) : CompletableFuture.completedFuture(true);
        decision.whenComplete((yes, failure) -> {
            try {
                executor.execute(() -> {
                    if (Boolean.TRUE.equals(yes)) {
                        accept(in);
                    } else {
                        reject(in, "declined by the receiver");
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the session ended while the user was deciding
            }
        });
    }

    /** Why an offer is refused at once, or null. */
    private String refusal(Frame.FileOffer offer) throws IOException {
        if (policy.mode() == ReceivePolicy.Mode.NO || policy.downloads() == null) {
            return "this peer does not accept files";
        }
        if (offer.size() > policy.maxFileSize()) {
            return "too large: " + Sizes.human(offer.size()) + " is over the limit of " + Sizes.human(policy.maxFileSize());
        }
        if (incoming.size() >= policy.maxConcurrent()) {
            return "too many files at once (at most " + policy.maxConcurrent() + ")";
        }
        Path partial = policy.downloads().partialFor(link.peer(), offer.name(), offer.size());
        for (Incoming other : incoming.values()) {
            if (other.partial.equals(partial)) {
                // both would write the same partial, and one would publish the other's bytes
                return "a file of that name and size is already on its way; send it again afterwards";
            }
        }
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        long needed = offer.size() - Math.min(have, offer.size());
        for (Incoming other : incoming.values()) {
            needed += other.transfer.size() - other.transfer.done(); // files already on their way here
        }
        long free = policy.downloads().usableSpace();
        if (needed > free) {
            return "not enough free disk space: " + Sizes.human(needed) + " needed, " + Sizes.human(free) + " free";
        }
        return null;
    }

    /** On the executor: resume what we have of this file, or start it, and say so. */
    private void accept(Incoming in) {
        Transfer transfer = in.transfer;
        try {
            long have = Files.exists(in.partial) ? Files.size(in.partial) : 0;
            if (have > transfer.size()) {
                Files.delete(in.partial);
                have = 0;
            }
            in.digest = sha256();
            in.channel = FileChannel.open(in.partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            String prefix = null;
            if (have > 0) {
                hash(in.channel, have, in.digest, new byte[CHUNK]);
                prefix = hexSoFar(in.digest);
            }
            in.channel.truncate(have);
            in.channel.position(have);
            in.received = have;
            transfer.start(have);
            in.stage = Stage.RECEIVING;
            events.started(transfer);
            link.send(new Frame.FileAccept(transfer.id(), have, prefix));
        } catch (IOException e) {
            reject(in, "the receiver cannot write the file: " + peerReason(e));
        }
    }

    private void reject(Incoming in, String why) {
        cancelled.add(in.transfer.id());
        in.finish(false, "refused '" + in.transfer.name() + "': " + why, null, null);
        try {
            link.send(new Frame.FileReject(in.transfer.id(), why));
        } catch (IOException ignored) {
            // the connection is gone; nothing to tell
        }
    }

    private Incoming receiving(long id, String frame) throws ProtocolException {
        Incoming in = incoming.get(id);
        if (in == null) {
            if (cancelled.contains(id)) {
                return null;
            }
            throw new ProtocolException(frame + " for unknown file id " + id);
        }
        if (in.stage != Stage.RECEIVING) {
            throw new ProtocolException(frame + " before FILE_ACCEPT for file id " + id);
        }
        return in;
    }

    private void onData(Frame.FileData data) throws ProtocolException {
        Incoming in = receiving(data.id(), "FILE_DATA");
        if (in == null) {
            return;
        }
        long size = in.transfer.size();
        if (in.received + data.length() > size) {
            throw new ProtocolException("more data than offered for file id " + data.id() + ": "
                    + (in.received + data.length()) + " > " + size + " bytes");
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(data.buffer(), data.offset(), data.length());
            while (bytes.hasRemaining()) {
                in.channel.write(bytes);
            }
        } catch (IOException e) {
            // e.g. the disk is full: keep what was written (it resumes later) and tell the sender
            reject(in, "the receiver cannot write: " + peerReason(e));
            return;
        }
        in.digest.update(data.buffer(), data.offset(), data.length());
        in.received += data.length();
        in.transfer.advance(data.length());
        events.progress(in.transfer);
    }

    private void onEnd(Frame.FileEnd end) throws IOException {
        Incoming in = receiving(end.id(), "FILE_END");
        if (in == null) {
            return;
        }
        if (in.received != in.transfer.size()) {
            throw new ProtocolException("FILE_END for file id " + end.id() + " after " + in.received + " of "
                    + in.transfer.size() + " bytes");
        }
        String ours = hex(in.digest.digest());
        boolean ok = ours.equals(end.sha256());
        Path saved = null;
        String message;
        try {
            in.channel.force(true);
            in.close();
            if (ok) {
                saved = policy.downloads().publish(in.partial, in.transfer.name());
                message = "verified";
            } else {
                Files.deleteIfExists(in.partial);
                message = "corrupt: SHA-256 " + ours + " differs from the sender's " + end.sha256() + "; discarded";
            }
        } catch (IOException e) {
            ok = false;
            message = "cannot save the file: " + reason(e);
        }
        link.send(new Frame.FileResult(end.id(), ok, ours));
        in.finish(ok, message, saved, ours);
    }

    private void onReject(Frame.FileReject reject) {
        boolean ours = (reject.id() % 2 == 1) == oddIds;
        if (ours) {
            Outgoing out = outgoing.get(reject.id());
            if (out != null) {
                out.cancelled = true;
                out.finish(false, link.peer() + " refused '" + out.transfer.name() + "': " + reject.reason());
            }
            return;
        }
        Incoming in = incoming.get(reject.id());
        if (in != null) {
            cancelled.add(reject.id());
            in.finish(false, link.peer() + " cancelled '" + in.transfer.name() + "': " + reject.reason(), null, null);
            if (PREFIX_MISMATCH.equals(reject.reason())) {
                try {
                    Files.deleteIfExists(in.partial);
                } catch (IOException ignored) {
                    // a stale partial is replaced when the file comes again
                }
            }
        }
    }

    // ---------------------------------------------------------------- both

    /** Handles a FILE_* frame; anything out of order is the peer's protocol error. */
    void onFrame(Frame frame) throws IOException {
        switch (frame.type()) {
            case FILE_OFFER -> onOffer((Frame.FileOffer) frame);
            case FILE_ACCEPT -> onAccept((Frame.FileAccept) frame);
            case FILE_REJECT -> onReject((Frame.FileReject) frame);
            case FILE_DATA -> onData((Frame.FileData) frame);
            case FILE_END -> onEnd((Frame.FileEnd) frame);
            case FILE_RESULT -> onResult((Frame.FileResult) frame);
            default -> throw new IllegalStateException("not a file frame: " + frame.type());
        }
    }

    /** The connection is over: every open transfer fails; partials stay for a resume. */
    void ended() {
        ended = true;
        for (Outgoing out : outgoing.values()) {
            out.cancelled = true;
            out.lost();
        }
        for (Incoming in : incoming.values()) {
            in.lost();
        }
    }

    boolean busy() {
        return !outgoing.isEmpty() || !incoming.isEmpty();
    }

    private String lostMessage(Transfer transfer) {
        return "connection to " + link.peer() + " lost after " + Sizes.human(transfer.done()) + " of "
                + Sizes.human(transfer.size()) + " of '" + transfer.name() + "'; send it again to resume";
    }

    private static void hash(FileChannel channel, long length, MessageDigest digest, byte[] buffer) throws IOException {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long position = 0;
        while (position < length) {
            wrapped.clear().limit((int) Math.min(buffer.length, length - position));
            int n = channel.read(wrapped, position);
            if (n < 0) {
                throw new IOException("the file is shorter than " + length + " bytes");
            }
            digest.update(buffer, 0, n);
            position += n;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The hash of what went in so far, leaving the digest open for more. */
    private static String hexSoFar(MessageDigest digest) {
        try {
            return hex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned in every JDK", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Why an I/O failed, without the local paths a peer has no business seeing. */
    static String peerReason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException failure && failure.getReason() != null) {
            return failure.getReason();
        }
        String message = e.getMessage();
        return message != null && !message.contains("/") && !message.contains("\\") ? message : "an I/O error";
    }

    static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
