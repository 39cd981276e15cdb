package dev.p2pchat.peer.session;

/**
 * Decides on the listener side whether the certificate a dialer presented belongs to the
 * username it claims in HELLO (known_peers first, then the directory).
 */
@FunctionalInterface
public interface PeerVerifier {

    /**
     * @throws PeerRefusedException with {@code IDENTITY_MISMATCH} or {@code UNKNOWN_USER} and a
     *         message for both users when the claim does not hold
     */
    void verify(String claimedUsername, String certificateFingerprint) throws PeerRefusedException;
}
