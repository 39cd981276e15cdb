package dev.p2pchat.directory.keylog;

/** A key history asked for a name no account has (the name is not kept: it is never echoed). */
public class NoSuchUserException extends RuntimeException {

    public NoSuchUserException() {
        super("no such account", null, false, false);
    }
}
