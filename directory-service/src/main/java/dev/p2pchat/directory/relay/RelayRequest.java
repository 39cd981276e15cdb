package dev.p2pchat.directory.relay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line a relay client sends first (without its {@code \n}): {@code p2pchat-relay/1
 * observe} or {@code p2pchat-relay/1 join <token> <role>}. Anything else is junk.
 */
sealed interface RelayRequest {

    String VERSION = "p2pchat-relay/1";
    /** The longest line, its {@code \n} included. */
    int MAX_LINE_BYTES = 256;

    record Observe() implements RelayRequest {
    }

    record Join(String token, Role role) implements RelayRequest {
    }

    enum Role {
        DIALER, LISTENER;

        Role other() {
            return this == DIALER ? LISTENER : DIALER;
        }
    }

    Pattern JOIN = Pattern.compile("join ([A-Za-z0-9_-]{1,200}) (dialer|listener)");

    /** The request in {@code line}, or null when it is not one. */
    static RelayRequest parse(String line) {
        if (line == null || !line.startsWith(VERSION + " ")) {
            return null;
        }
        String rest = line.substring(VERSION.length() + 1);
        if (rest.equals("observe")) {
            return new Observe();
        }
        Matcher join = JOIN.matcher(rest);
        if (join.matches()) {
            return new Join(join.group(1), join.group(2).equals("dialer") ? Role.DIALER : Role.LISTENER);
        }
        return null;
    }
}
