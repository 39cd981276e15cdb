package dev.p2pchat.peer.session;

/**
 * Which offered files a peer takes: all within the limits ({@code AUTO}, the original
 * program's behaviour), those the user confirms ({@code ASK}), or none ({@code NO}).
 */
public record ReceivePolicy(Mode mode, Downloads downloads, long maxFileSize, int maxConcurrent) {

    public enum Mode { AUTO, ASK, NO }

    public static final long UNLIMITED = Long.MAX_VALUE;

    public ReceivePolicy {
        if (maxFileSize < 0 || maxConcurrent < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static ReceivePolicy refuseAll() {
        return new ReceivePolicy(Mode.NO, null, 0, 1);
    }
}
