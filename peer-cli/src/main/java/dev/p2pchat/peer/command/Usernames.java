package dev.p2pchat.peer.command;

import java.util.regex.Pattern;

/** The directory's username rule, checked before anything is sent. */
public final class Usernames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");

    private Usernames() {
    }

    public static boolean isValid(String username) {
        return username != null && VALID.matcher(username).matches();
    }

    public static String require(String username) {
        if (!isValid(username)) {
            throw new CliException(ExitCode.USAGE, "invalid username '" + Text.printable(username, 64)
                    + "': 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit");
        }
        return username;
    }
}
