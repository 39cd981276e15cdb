package dev.p2pchat.peer.transport;

/**
 * The peer at the address presented another key than the one we expected: someone else
 * listens there, or someone is in the middle. Never to be retried silently.
 */
public class FingerprintMismatchException extends TransportException {

    private final String where;
    private final String expected;
    private final String actual;

    public FingerprintMismatchException(String where, String expected, String actual) {
        super("the peer at " + where + " is not who we expected: its fingerprint is " + actual
                + ", expected " + expected);
        this.where = where;
        this.expected = expected;
        this.actual = actual;
    }

    /** host:port of the peer that presented the wrong key. */
    public String where() {
        return where;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
