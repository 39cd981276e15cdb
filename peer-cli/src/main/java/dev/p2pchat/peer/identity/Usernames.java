package dev.p2pchat.peer.identity;

import java.util.regex.Pattern;

/**
 * The username rule, the one place the peer keeps it: 3 to 32 characters of
 * {@code A-Z a-z 0-9 _ . -} starting with a letter or digit, compared case-insensitively. It
 * is the directory's rule ({@code Username} in openapi.yaml; a test checks they agree), and the
 * peer applies it to what users type, to HELLO, to {@code known_peers} and to every name the
 * directory answers with.
 */
public final class Usernames {

    /** As in openapi.yaml's {@code Username} schema. */
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{2,31}";
    public static final String RULE = "3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit";

    private static final Pattern VALID = Pattern.compile(PATTERN);

    private Usernames() {
    }

    public static boolean isValid(String username) {
        return username != null && VALID.matcher(username).matches();
    }

    /** The same account: names are unique regardless of letter case. */
    public static boolean same(String a, String b) {
        return a != null && b != null && a.equalsIgnoreCase(b);
    }
}
