package dev.p2pchat.directory.session;

/** A call that needs a login came without a usable bearer token; {@code getMessage()} says why. */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
