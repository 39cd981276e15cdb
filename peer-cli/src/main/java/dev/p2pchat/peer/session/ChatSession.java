package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.protocol.Frames;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One established {@code p2pchat/1} connection after the HELLO exchange: chat both ways, files
 * both ways, PING for liveness, CLOSE or ERROR at the end.
 *
 * <p>One thread reads and dispatches frames ({@link #run()}); any thread may send. Sends take a
 * <em>fair</em> lock per frame, so a chat line waits for at most the file chunk being written,
 * never behind a whole file, and several files interleave. The session never sees a socket,
 * only a {@link Wire}, so tests join two sessions with in-memory pipes.
 *
 * <p>The reader thread and the liveness timer never wait for the wire themselves: what they send
 * (PONG, FILE_RESULT, a refusal, PING) goes through a bounded queue to a replies thread. Otherwise
 * two peers whose file writers both block on full connections, while both readers wait to answer,
 * would each stop reading and deadlock, and a peer that stops reading would hang the timer, which
 * every session of the program and the presence renewal share. A peer that lets that queue fill
 * (it sends PINGs and never reads the PONGs) loses its session; nobody else waits for it.
 */
public final class ChatSession {

    /** How a session ended. */
    public enum EndReason { CLOSED_BY_US, CLOSED_BY_PEER, LOST, PROTOCOL_ERROR, REFUSED_BY_PEER, TIMED_OUT }

    public record Ending(EndReason reason, String message) {
        public boolean clean() {
            return reason == EndReason.CLOSED_BY_US || reason == EndReason.CLOSED_BY_PEER;
        }
    }

    /** What the console hears about chat. Called on the reader thread. */
    public interface Events {
        void chat(ChatSession session, String text);

        void ended(ChatSession session, Ending ending);
    }

    /** Liveness: PING after {@code pingAfter} of silence, give up after {@code deadAfter}. */
    public record Liveness(Duration pingAfter, Duration deadAfter) {
        public static final Liveness DEFAULT = new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(90));
    }

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    /** How long a chat line or a goodbye waits for a connection that a file chunk holds. */
    private static final Duration STALLED = Duration.ofSeconds(5);
    /** Replies queued beyond this end the session (a peer flooding PINGs without reading the PONGs). */
    static final int REPLY_BACKLOG = 1024;
    /** How long an ERROR to a peer that does not read may take before the connection is cut anyway. */
    private static final Duration ERROR_GRACE = Duration.ofSeconds(1);

    private final String peer;
    private final Wire wire;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Events events;
    private final Transfers transfers;
    private final ScheduledExecutorService timers;
    private final Liveness liveness;
    private final ReentrantLock sendLock = new ReentrantLock(true);
    private final AtomicBoolean ending = new AtomicBoolean();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final ExecutorService fileWorkers;
    private final ThreadPoolExecutor replies;
    private final int peerFilesAtOnce;
    private final AtomicBoolean pinging = new AtomicBoolean();
    private final AtomicBoolean overwhelmed = new AtomicBoolean();
    private volatile Thread readerThread;
    private volatile long lastReceived = System.nanoTime();
    /** When the write in progress started (System.nanoTime), or 0. */
    private volatile long writeStarted;
    private volatile EndReason closing;
    private ScheduledFuture<?> keepalive;

    /**
     * @param peer     the other side's username, as its HELLO said
     * @param dialer   whether we dialed (our file ids are odd) or accepted (even)
     */
    public ChatSession(String peer, boolean dialer, Wire wire, FrameReader reader, FrameWriter writer, Events events,
                       TransferEvents transferEvents, ReceivePolicy policy, ScheduledExecutorService timers,
                       Liveness liveness) {
        this(peer, dialer, wire, reader, writer, events, transferEvents, policy, timers, liveness,
                Frames.MIN_FILES_AT_ONCE);
    }

    /** @param peerFilesAtOnce how many files the peer takes at once, as its HELLO said */
    public ChatSession(String peer, boolean dialer, Wire wire, FrameReader reader, FrameWriter writer, Events events,
                       TransferEvents transferEvents, ReceivePolicy policy, ScheduledExecutorService timers,
                       Liveness liveness, int peerFilesAtOnce) {
        this.peerFilesAtOnce = peerFilesAtOnce;
        this.peer = peer;
        this.wire = wire;
        this.reader = reader;
        this.writer = writer;
        this.events = events;
        this.timers = timers;
        this.liveness = liveness;
        this.fileWorkers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "p2pchat-files-" + peer);
            thread.setDaemon(true);
            return thread;
        });
        // a full queue throws RejectedExecutionException (the default policy): see sendLater
        this.replies = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(REPLY_BACKLOG), runnable -> {
                    Thread thread = new Thread(runnable, "p2pchat-replies-" + peer);
                    thread.setDaemon(true);
                    return thread;
                });
        this.transfers = new Transfers(new Transfers.Link() {
            @Override
            public String peer() {
                return peer;
            }

            @Override
            public void send(Frame frame) throws Transfers.LinkDown {
                if (Thread.currentThread() == readerThread) {
                    sendLater(frame, null);
                    return;
                }
                try {
                    ChatSession.this.send(frame);
                } catch (IOException e) {
                    throw new Transfers.LinkDown(e);
                }
            }
        }, dialer, transferEvents, policy, fileWorkers);
    }

    public String peer() {
        return peer;
    }

    /** How many files the peer takes at once (its HELLO's {@code files}, or the protocol's minimum). */
    public int peerFilesAtOnce() {
        return peerFilesAtOnce;
    }

    /** Completes when the session is over, whichever side ended it and how. */
    public CompletableFuture<Ending> ended() {
        return ended;
    }

    public boolean isOpen() {
        return !ended.isDone();
    }

    /** Reads and dispatches frames until the session ends; returns how it ended. */
    public Ending run() {
        readerThread = Thread.currentThread();
        long period = Math.max(1, liveness.pingAfter().toMillis() / 3);
        keepalive = timers.scheduleAtFixedRate(this::checkLiveness, period, period, TimeUnit.MILLISECONDS);
        try {
            while (true) {
                Frame frame = reader.read();
                lastReceived = System.nanoTime();
                if (frame == null) {
                    EndReason reason = goodbye();
                    finish(reason, reason == EndReason.LOST ? "the connection to " + peer + " closed without a goodbye"
                            : closedMessage(reason, null));
                    break;
                }
                if (!dispatch(frame) || overwhelmed.get()) {
                    break;
                }
            }
        } catch (ProtocolException e) {
            fail(ErrorCode.PROTOCOL_ERROR, e.getMessage());
        } catch (IOException e) {
            EndReason reason = goodbye();
            finish(reason, reason == EndReason.LOST ? "connection to " + peer + " lost: " + Transfers.reason(e)
                    : closedMessage(reason, null));
        } catch (RuntimeException e) {
            fail(ErrorCode.INTERNAL, "internal error: " + e);
        }
        return ended.join();
    }

    /** Returns false when the frame ended the session. */
    private boolean dispatch(Frame frame) throws IOException {
        switch (frame.type()) {
            case CHAT -> events.chat(this, ((Frame.Chat) frame).text());
            case PING -> sendLater(((Frame.Ping) frame).reply(), null);
            case PONG -> {
                // lastReceived is all a PONG is for
            }
            case CLOSE -> {
                // under the send lock, so that a frame being written (our own CLOSE, a chunk) is
                // finished first rather than cut in half, which the peer would take for a violation
                sendLock.lock();
                try {
                    if (closing == null) {
                        closing = EndReason.CLOSED_BY_PEER;
                        wire.shutdownOutput();
                    }
                } finally {
                    sendLock.unlock();
                }
                finish(closing, closedMessage(closing, ((Frame.Close) frame).reason()));
                return false;
            }
            case ERROR -> {
                Frame.Error error = (Frame.Error) frame;
                finish(EndReason.REFUSED_BY_PEER, peer + " ended the session with an error ("
                        + error.code().wire() + "): " + error.message());
                return false;
            }
            case HELLO -> throw new ProtocolException("HELLO after the handshake");
            case FILE_OFFER, FILE_ACCEPT, FILE_REJECT, FILE_DATA, FILE_END, FILE_RESULT -> transfers.onFrame(frame);
        }
        return true;
    }

    /** How an end of the stream reads: the goodbye under way (CLOSE), or a lost connection. */
    private EndReason goodbye() {
        EndReason reason = closing;
        return reason == EndReason.CLOSED_BY_US || reason == EndReason.CLOSED_BY_PEER ? reason : EndReason.LOST;
    }

    private String closedMessage(EndReason reason, String peerReason) {
        if (reason == EndReason.CLOSED_BY_US) {
            return "chat with " + peer + " closed";
        }
        return peer + " closed the chat" + (peerReason == null || peerReason.isBlank() ? "" : " (" + peerReason + ")");
    }

    /** Sends one line of chat. */
    public void sendChat(String text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > Frames.MAX_CHAT_BYTES) {
            throw new IllegalArgumentException("message too long: at most " + Frames.MAX_CHAT_BYTES / 1024 + " KiB");
        }
        Frame chat = new Frame.Chat(text);
        // never make the user wait behind a peer that stopped reading (its file chunk holds the lock)
        if (!lockWithin(STALLED)) {
            throw new IOException(peer + " is not reading; message not sent");
        }
        try {
            write(chat);
        } finally {
            sendLock.unlock();
        }
    }

    /** Offers a file; the future completes when the receiver confirmed (or refused, or the link broke). */
    public CompletableFuture<Transfer.Result> sendFile(Path file) {
        return offer(file, null, false);
    }

    /**
     * Offers one entry of a folder being sent (a file, or an empty folder, with the folders above
     * it); links are not followed. Completes as {@link #sendFile}.
     */
    public CompletableFuture<Transfer.Result> send(Outbox.Entry entry) {
        return offer(entry.source(), entry.path(), entry.folder());
    }

    private CompletableFuture<Transfer.Result> offer(Path file, String path, boolean folder) {
        if (Thread.currentThread() != readerThread) {
            return transfers.send(file, path, folder);
        }
        // called back on the reader (an event handler): offers are written in id order by the
        // caller, and the reader must not wait for the wire, so a worker offers it
        try {
            return CompletableFuture.supplyAsync(() -> transfers.send(file, path, folder), fileWorkers)
                    .thenCompose(sent -> sent);
        } catch (RejectedExecutionException closed) {
            return transfers.send(file, path, folder); // the session is over: this fails at once
        }
    }

    /** True while files are on their way in either direction. */
    public boolean transferring() {
        return transfers.busy();
    }

    void send(Frame frame) throws IOException {
        sendLock.lock();
        try {
            write(frame);
        } finally {
            sendLock.unlock();
        }
    }

    /** Writes one frame; the caller holds the send lock. A write stuck for too long ends the session. */
    private void write(Frame frame) throws IOException {
        write(frame, true);
    }

    private void write(Frame frame, boolean flush) throws IOException {
        if (ended.isDone() || closing != null && !(frame instanceof Frame.Close)) {
            throw new IOException("the session with " + peer + " is closed");
        }
        writeStarted = System.nanoTime();
        try {
            writer.write(frame);
            if (flush) {
                writer.flush();
            }
        } finally {
            writeStarted = 0;
        }
    }

    /**
     * On the replies thread: a burst of replies is flushed once, with the last one queued, so that
     * answering keeps up with a peer that asks quickly and reads what it asked for.
     */
    private void sendReply(Frame frame) throws IOException {
        sendLock.lock();
        try {
            write(frame, replies.getQueue().isEmpty());
        } finally {
            sendLock.unlock();
        }
    }

    private boolean lockWithin(Duration limit) throws IOException {
        try {
            return sendLock.tryLock(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while sending to " + peer);
        }
    }

    /**
     * Ends the session from our side: CLOSE, then TLS close_notify; the reader finishes when the
     * other side closes too, or after a grace period.
     */
    public void close(String reason) {
        boolean locked;
        try {
            locked = lockWithin(STALLED);
        } catch (IOException interrupted) {
            locked = false;
        }
        if (!locked) {
            finish(EndReason.LOST, "closed without a goodbye: " + peer + " is not reading");
            return;
        }
        try {
            if (closing != null || ended.isDone()) {
                return;
            }
            // before the CLOSE leaves: the peer's answer may reach the reader at once
            closing = EndReason.CLOSED_BY_US;
            try {
                writer.writeAndFlush(new Frame.Close(Handshake.clip(reason)));
            } catch (IOException ignored) {
                // it is ending either way
            }
        } finally {
            sendLock.unlock();
        }
        wire.shutdownOutput();
        timers.schedule(() -> finish(EndReason.CLOSED_BY_US, closedMessage(EndReason.CLOSED_BY_US, null)),
                CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Aborts at once, without a goodbye (used when the program exits). */
    public void abort(String why) {
        finish(EndReason.LOST, why);
    }

    private void checkLiveness() {
        long now = System.nanoTime();
        long silent = now - lastReceived;
        long writing = writeStarted;
        if (writing != 0 && now - writing > liveness.deadAfter().toNanos()) {
            finish(EndReason.TIMED_OUT, peer + " stopped reading for " + liveness.deadAfter().toSeconds() + " s");
        } else if (silent > liveness.deadAfter().toNanos()) {
            finish(EndReason.TIMED_OUT, "no answer from " + peer + " for " + liveness.deadAfter().toSeconds() + " s");
        } else if (silent > liveness.pingAfter().toNanos() && closing == null && pinging.compareAndSet(false, true)) {
            sendLater(Frame.Ping.of(ThreadLocalRandom.current().nextLong()), () -> pinging.set(false));
        }
    }

    /**
     * Sends {@code frame} from the replies thread, so that the caller (the reader or the timer)
     * goes on at once even when the connection is full. Then runs {@code after}, if any. Never
     * blocks: when {@link #REPLY_BACKLOG} replies already wait, the peer is not reading what it
     * asks for, and the session ends.
     */
    private void sendLater(Frame frame, Runnable after) {
        try {
            replies.execute(() -> {
                try {
                    sendReply(frame);
                } catch (IOException ignored) {
                    // the reader notices the broken connection
                } finally {
                    if (after != null) {
                        after.run();
                    }
                }
            });
        } catch (RejectedExecutionException full) {
            if (!replies.isShutdown()) {
                overwhelmed();
            }
            // else the session is over
        }
    }

    /**
     * The peer sends frames that need an answer and does not read the answers. Runs on the reader
     * or on the timer that all sessions share, so it must not wait for the wire: the ERROR is
     * tried by a worker of this session, if the connection is free, and the connection is cut
     * after a short grace whether or not the peer took it.
     */
    private void overwhelmed() {
        if (!overwhelmed.compareAndSet(false, true)) {
            return;
        }
        String message = "more than " + REPLY_BACKLOG + " frames await an answer and " + peer + " does not read them";
        Runnable end = () -> finish(EndReason.PROTOCOL_ERROR, "ended the session with " + peer + ": " + message);
        stopSending();
        try {
            fileWorkers.execute(() -> {
                if (sendLock.tryLock()) {
                    try {
                        writer.writeAndFlush(new Frame.Error(ErrorCode.PROTOCOL_ERROR, Handshake.clip(message)));
                    } catch (IOException | RuntimeException ignored) {
                        // it is ending either way
                    } finally {
                        sendLock.unlock();
                    }
                }
                end.run();
            });
            timers.schedule(end, ERROR_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException over) {
            end.run();
        }
    }

    /**
     * Sends ERROR and closes as docs/PROTOCOL.md 8.1 says: the ERROR, TLS close_notify, then the
     * connection. On the reader thread only (never on the shared timer): it may wait a little for
     * the connection, and for the peer to read the ERROR.
     */
    private void fail(ErrorCode code, String message) {
        // the answers already queued (PONG, FILE_REJECT ...) leave first, in the order of the frames they answer
        replies.shutdown();
        try {
            replies.awaitTermination(STALLED.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopSending();
        boolean told = false;
        try {
            if (lockWithin(STALLED)) {
                try {
                    writer.writeAndFlush(new Frame.Error(code, Handshake.clip(message)));
                    told = true;
                } finally {
                    sendLock.unlock();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer is told if it can be
        }
        if (told) {
            linger();
        }
        finish(EndReason.PROTOCOL_ERROR, "protocol error from " + peer + ": " + message);
    }

    /**
     * After our last frame: close_notify, then read and drop what the peer still sends until it
     * closes too, for at most {@link #ERROR_GRACE}. Closing at once while its frames are still
     * arriving would reset the connection, and a reset can throw away the ERROR before the peer
     * reads it.
     */
    private void linger() {
        ScheduledFuture<?> cut;
        try {
            cut = timers.schedule(wire::close, ERROR_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException exiting) {
            return;
        }
        wire.shutdownOutput();
        byte[] dropped = new byte[8192];
        try {
            while (wire.in().read(dropped) >= 0) {
                // the peer's frames after our ERROR mean nothing
            }
        } catch (IOException cutOff) {
            // the grace is over, or the peer reset the connection
        }
        cut.cancel(false);
    }

    /** Nothing but the ERROR on its way leaves any more: no chunk or chat may follow it. */
    private void stopSending() {
        if (closing == null) {
            closing = EndReason.PROTOCOL_ERROR;
        }
    }

    private void finish(EndReason reason, String message) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        wire.close();
        transfers.ended();
        fileWorkers.shutdownNow();
        replies.shutdownNow();
        Ending ending = new Ending(reason, message);
        ended.complete(ending);
        events.ended(this, ending);
    }
}
