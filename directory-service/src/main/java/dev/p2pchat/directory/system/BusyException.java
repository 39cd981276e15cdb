package dev.p2pchat.directory.system;

/** Every password check is taken and the queue is full: the caller should retry in a second. */
public class BusyException extends RuntimeException {

    public BusyException() {
        super("password checks busy", null, false, false);
    }
}
