package dev.p2pchat.peer.connect;

/** A peer could not be reached or was not who it had to be; the message is one line for the user. */
public class ConnectException extends Exception {

    /** Why, so that the command layer can choose an exit status. */
    public enum Reason {
        /** The user is offline (or has never published an address). */
        OFFLINE,
        /** The user has no identity key at the directory yet. */
        NO_KEY,
        /** known_peers has another key for this name: refused whatever the directory says. */
        KEY_CHANGED,
        /** The peer presented another key, or named itself differently, or refused ours. */
        IDENTITY_MISMATCH,
        /** No path to the peer worked, or the handshake broke. */
        UNREACHABLE,
        /** The directory is down; the peer is known, so --address would work. */
        DIRECTORY_DOWN,
        /** The directory's key log did not prove the key it gave: refused before dialing. */
        KEY_LOG
    }

    private final Reason reason;

    public ConnectException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ConnectException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
