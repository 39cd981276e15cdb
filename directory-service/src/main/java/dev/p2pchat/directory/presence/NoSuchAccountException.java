package dev.p2pchat.directory.presence;

/** No account has the name looked up (the name itself is not kept: it is never echoed). */
public class NoSuchAccountException extends RuntimeException {

    public NoSuchAccountException() {
        super("no such account", null, false, false);
    }
}
