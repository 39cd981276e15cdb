package dev.p2pchat.peer.keylog;

/**
 * The directory's key log did not prove what it had to: a malformed proof, a bad signature, an
 * entry that is not the answer's, or a head that does not extend the one we saw before. The
 * message names what failed and is fit to show the user as is (exit status 10).
 */
public final class KeyLogException extends Exception {

    public KeyLogException(String message) {
        super(message);
    }

    public KeyLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
