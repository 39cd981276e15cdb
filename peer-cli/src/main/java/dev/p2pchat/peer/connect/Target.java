package dev.p2pchat.peer.connect;

/**
 * Whom to reach and which key it must present: {@code username} is the name the user asked for
 * (never the directory's spelling of it), {@code fingerprint} the key pinned from
 * {@code known_peers} or vouched for by the directory, {@code known} whether known_peers already
 * had it before this connection.
 */
public record Target(String username, String host, int port, String fingerprint, boolean known) {
}
