package dev.p2pchat.directory.keylog;

/** A key rotation the directory refuses: the reason is fit to show the user. */
public class InvalidRotationException extends RuntimeException {

    public InvalidRotationException(String reason) {
        super(reason);
    }
}
