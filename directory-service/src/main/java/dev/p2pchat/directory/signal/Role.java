package dev.p2pchat.directory.signal;

import java.util.Locale;

/** A channel's part in an attempt: the dialer sent {@code connect}, the listener received it. */
enum Role {
    DIALER, LISTENER;

    Role other() {
        return this == DIALER ? LISTENER : DIALER;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role of(String wire) {
        return "dialer".equals(wire) ? DIALER : "listener".equals(wire) ? LISTENER : null;
    }
}
