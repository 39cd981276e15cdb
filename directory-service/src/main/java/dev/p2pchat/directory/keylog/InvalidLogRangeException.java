package dev.p2pchat.directory.keylog;

/** A consistency proof asked for sizes the log cannot prove: not {@code 0 < from ≤ to ≤ size}. */
public class InvalidLogRangeException extends RuntimeException {

    private final long size;

    public InvalidLogRangeException(long size) {
        super("a consistency proof needs 0 < from <= to <= " + size);
        this.size = size;
    }

    public long size() {
        return size;
    }
}
