package dev.p2pchat.directory.keylog;

/** A rotation to the key the account already has. */
public class KeyUnchangedException extends RuntimeException {

    public KeyUnchangedException() {
        super("the new key is the current key");
    }
}
