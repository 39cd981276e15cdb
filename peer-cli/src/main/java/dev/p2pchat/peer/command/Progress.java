package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.Sizes;
import dev.p2pchat.peer.session.Transfer;
import java.time.Duration;
import java.util.Locale;

/**
 * One line of progress for a transfer, in the units the summary line uses: name, percent, a bar,
 * bytes done of the size, the rate measured since the transfer started, and the time left. A rate
 * is shown once there is one to show (never a placeholder); the summary line at the end carries
 * the transfer's real rate whatever its length.
 */
final class Progress {

    private static final Duration FIRST_RATE = Duration.ofMillis(200);

    private Progress() {
    }

    static String line(Transfer transfer, int width) {
        return line(Text.printable(transfer.name()), transfer.direction() == Transfer.Direction.SEND ? "to" : "from",
                transfer.peer(), transfer.offset(), transfer.done(), transfer.size(), transfer.elapsed(), width);
    }

    static String line(String name, String direction, String peer, long offset, long done, long size, Duration elapsed,
                       int width) {
        int percent = size == 0 ? 100 : (int) Math.min(100, done * 100 / size);
        StringBuilder tail = new StringBuilder();
        tail.append(String.format(Locale.ROOT, "%3d%% ", percent));
        int barWidth = Math.max(10, Math.min(30, width / 4));
        int filled = size == 0 ? barWidth : (int) (barWidth * Math.min(done, size) / size);
        tail.append('[').append("=".repeat(filled)).append(" ".repeat(barWidth - filled)).append("] ");
        tail.append(Sizes.human(done)).append(" / ").append(Sizes.human(size));
        long moved = done - offset;
        if (elapsed.compareTo(FIRST_RATE) >= 0 && moved > 0) {
            tail.append("  ").append(Sizes.rate(moved, elapsed));
            double bytesPerSecond = moved / (elapsed.toNanos() / 1e9);
            long left = (long) Math.ceil((size - done) / bytesPerSecond);
            tail.append(String.format(Locale.ROOT, "  %d:%02d left", left / 60, left % 60));
        }
        String head = name + " " + direction + " " + peer + " ";
        int room = Math.max(8, width - tail.length() - 1);
        if (head.codePointCount(0, head.length()) > room) {
            head = head.substring(0, head.offsetByCodePoints(0, room - 2)) + "… ";
        }
        return head + tail;
    }
}
