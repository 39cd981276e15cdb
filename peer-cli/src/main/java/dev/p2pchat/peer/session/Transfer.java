package dev.p2pchat.peer.session;

import java.nio.file.Path;
import java.time.Duration;

/** One file on its way, in either direction, as the console shows it. */
public final class Transfer {

    public enum Direction { SEND, RECEIVE }

    /**
     * How a transfer ended. {@code savedAs} is set for a verified received file; {@code lost}
     * means the connection broke, so that sending the file again resumes it.
     */
    public record Result(boolean ok, boolean lost, String message, Path savedAs, String sha256, long bytes,
                         Duration time) {
    }

    private final long id;
    private final Direction direction;
    private final String peer;
    private final String name;
    private final long size;
    private volatile long offset;
    private volatile long done;
    private volatile long startNanos = System.nanoTime();

    Transfer(long id, Direction direction, String peer, String name, long size) {
        this.id = id;
        this.direction = direction;
        this.peer = peer;
        this.name = name;
        this.size = size;
    }

    public long id() {
        return id;
    }

    public Direction direction() {
        return direction;
    }

    public String peer() {
        return peer;
    }

    /** The name as offered (unsanitized: print it with care). */
    public String name() {
        return name;
    }

    public long size() {
        return size;
    }

    /** Where this transfer (re)started: more than 0 when it resumed a partial. */
    public long offset() {
        return offset;
    }

    /** Bytes of the file the receiver has, counting the resumed prefix. */
    public long done() {
        return done;
    }

    void start(long fromOffset) {
        offset = fromOffset;
        done = fromOffset;
        startNanos = System.nanoTime();
    }

    void advance(long bytes) {
        done += bytes;
    }

    /** Time since this transfer (re)started. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    Result result(boolean ok, String message, Path savedAs, String sha256) {
        return new Result(ok, false, message, savedAs, sha256, done - offset, elapsed());
    }

    Result lost(String message) {
        return new Result(false, true, message, null, null, done - offset, elapsed());
    }
}
