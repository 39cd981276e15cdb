package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Signal;
import java.util.List;

/**
 * Whom to reach and which key it must present: {@code username} is the name the user asked for
 * (never the directory's spelling of it), {@code host}/{@code port} where the directory saw it
 * (or the address the user gave), {@code fingerprint} the key pinned from {@code known_peers} or
 * vouched for by the directory, {@code known} whether known_peers already had it before this
 * connection, {@code signal} whether it can be asked through the directory to meet us (reverse,
 * punch, relay), and {@code localAddresses} its own interface addresses (tried from the same
 * network only).
 */
public record Target(String username, String host, int port, String fingerprint, boolean known, boolean signal,
                     List<Signal.Candidate> localAddresses) {

    public Target {
        localAddresses = List.copyOf(localAddresses);
    }
}
