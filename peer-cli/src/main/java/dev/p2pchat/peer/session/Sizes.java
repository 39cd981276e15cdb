package dev.p2pchat.peer.session;

import java.time.Duration;
import java.util.Locale;

/** Byte counts and rates as people read them. */
public final class Sizes {
    private Sizes() {
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /** Megabytes (10^6) per second, as network tools report speed. */
    public static String rate(long bytes, Duration time) {
        double seconds = Math.max(time.toNanos(), 1) / 1e9;
        return String.format(Locale.ROOT, "%.1f MB/s", bytes / seconds / 1e6);
    }
}
