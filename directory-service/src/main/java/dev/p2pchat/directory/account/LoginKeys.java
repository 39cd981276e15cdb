package dev.p2pchat.directory.account;

/**
 * Told of the identity key a successful login presents, inside the login's transaction, after
 * the account row is updated: the key log implements it (first key, or a reset when the key is
 * not the account's current one). Declared here so that accounts know nothing of the log.
 */
public interface LoginKeys {

    /** {@code usernameKey} logged in presenting {@code fingerprint} (64 lowercase hex). */
    void presented(String usernameKey, String fingerprint);
}
