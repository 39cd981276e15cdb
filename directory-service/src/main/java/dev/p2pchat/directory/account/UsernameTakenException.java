package dev.p2pchat.directory.account;

/** The username is taken, in some letter case. */
public class UsernameTakenException extends RuntimeException {

    private final String username;

    public UsernameTakenException(String username) {
        super("username taken", null, false, false);
        this.username = username;
    }

    /** The name as the caller spelled it. */
    public String username() {
        return username;
    }
}
