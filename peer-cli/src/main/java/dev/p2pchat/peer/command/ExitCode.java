package dev.p2pchat.peer.command;

/** The exit statuses of {@code p2pchat}, listed in the README and in {@code --help}. */
public final class ExitCode {
    public static final int OK = 0;
    /** An unexpected failure, an I/O error, or a file that could not be read or written. */
    public static final int FAILURE = 1;
    /** Bad command line: unknown option, missing argument, invalid value. */
    public static final int USAGE = 2;
    /** The directory could not be reached or failed. */
    public static final int DIRECTORY_UNREACHABLE = 3;
    /** Wrong username or password, not logged in, or the session expired. */
    public static final int AUTHENTICATION = 4;
    /** The account is locked after too many failed logins. */
    public static final int LOCKED = 5;
    /** No such user, or the user is offline. */
    public static final int PEER_UNAVAILABLE = 6;
    /** The peer's address could not be reached, or the connection broke. */
    public static final int PEER_UNREACHABLE = 7;
    /** The peer's identity key does not match the directory or known_peers. */
    public static final int IDENTITY_MISMATCH = 8;
    /** A file was refused or not confirmed by the receiver. */
    public static final int TRANSFER_FAILED = 9;
    /**
     * The directory's key log did not prove the key it gave (bad signature, missing or wrong
     * entry, failed inclusion or consistency proof): refused before dialing.
     */
    public static final int KEY_LOG = 10;
    /** Interrupted (Ctrl-C). */
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
