package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The files of one session (docs/PROTOCOL.md, "File transfer"), in both directions: the files we
 * send ({@link OutgoingFiles}) and the files we receive ({@link IncomingFiles}), each a state
 * machine of its own. This class routes the FILE_* frames to them. The dialer numbers its files
 * with odd ids, the listener with even ids, so a FILE_REJECT is never ambiguous.
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

    private final boolean oddIds;
    private final OutgoingFiles outgoing;
    private final IncomingFiles incoming;

    Transfers(Link link, boolean dialer, TransferEvents events, ReceivePolicy policy, Executor executor) {
        this.oddIds = dialer;
        this.outgoing = new OutgoingFiles(link, dialer, events, executor);
        this.incoming = new IncomingFiles(link, dialer, events, policy, executor);
    }

    CompletableFuture<Transfer.Result> send(Path file) {
        return outgoing.send(file);
    }

    CompletableFuture<Transfer.Result> send(Path file, String path, boolean folder) {
        return outgoing.send(file, path, folder);
    }

    /** Handles a FILE_* frame; anything out of order is the peer's protocol error. */
    void onFrame(Frame frame) throws IOException {
        switch (frame.type()) {
            case FILE_OFFER -> incoming.onOffer((Frame.FileOffer) frame);
            case FILE_ACCEPT -> outgoing.onAccept((Frame.FileAccept) frame);
            case FILE_REJECT -> {
                Frame.FileReject reject = (Frame.FileReject) frame;
                if ((reject.id() % 2 == 1) == oddIds) {
                    outgoing.onReject(reject);
                } else {
                    incoming.onReject(reject);
                }
            }
            case FILE_DATA -> incoming.onData((Frame.FileData) frame);
            case FILE_END -> incoming.onEnd((Frame.FileEnd) frame);
            case FILE_RESULT -> outgoing.onResult((Frame.FileResult) frame);
            default -> throw new IllegalStateException("not a file frame: " + frame.type());
        }
    }

    /** The connection is over: every open transfer fails; partials stay for a resume. */
    void ended() {
        outgoing.ended();
        incoming.ended();
    }

    boolean busy() {
        return outgoing.busy() || incoming.busy();
    }

    // ---------------------------------------------------------------- shared by both directions

    static String lostMessage(String peer, Transfer transfer) {
        return "connection to " + peer + " lost after " + Sizes.human(transfer.done()) + " of "
                + Sizes.human(transfer.size()) + " of '" + transfer.name() + "'; send it again to resume";
    }

    /** Feeds the first {@code length} bytes of {@code channel} into {@code digest}. */
    static void hash(FileChannel channel, long length, MessageDigest digest, byte[] buffer) throws IOException {
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
    static String hexSoFar(MessageDigest digest) {
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
