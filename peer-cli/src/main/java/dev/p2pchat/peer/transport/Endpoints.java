package dev.p2pchat.peer.transport;

import java.time.Duration;
import java.util.Locale;

/** How addresses, durations and socket errors read in messages. */
final class Endpoints {

    private Endpoints() {
    }

    /** {@code 127.0.0.1:4000}, {@code [::1]:4000}, {@code example.org:4000}. */
    static String describe(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code 10 s}, {@code 500 ms}. */
    static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** The socket error as the tail of a sentence: {@code "connection refused"}. */
    static String reason(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int paren = message.indexOf(" (");
        if (paren > 0 && message.endsWith(")")) {
            message = message.substring(0, paren); // "Connection refused (Connection refused)"
        }
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }
}
