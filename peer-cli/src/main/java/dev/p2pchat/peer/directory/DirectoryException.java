package dev.p2pchat.peer.directory;

/** A directory call that failed, with a message fit to show the user as is. */
public class DirectoryException extends Exception {

    /** What went wrong, so that commands can choose an exit status. */
    public enum Kind {
        UNREACHABLE, BAD_CREDENTIALS, LOCKED, UNAUTHORIZED, TAKEN, INVALID, NOT_FOUND, BUSY, SERVER,
        /** The directory answered something that breaks the API's rules: it is failing, or lying. */
        BAD_ANSWER
    }

    private final Kind kind;

    public DirectoryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DirectoryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
