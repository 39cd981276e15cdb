package dev.p2pchat.directory.account;

/**
 * The username or the password is wrong; which one is never told. Thrown on every failed login,
 * so it carries no stack trace.
 */
public class BadCredentialsException extends RuntimeException {

    public BadCredentialsException() {
        super("bad credentials", null, false, false);
    }
}
