package dev.p2pchat.peer.connect;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listener's dial-backs that reached our punch port and are being secured. While one from
 * the listener's own outside address is in flight, a TCP connection to the peer already exists:
 * a punch from the same port to the same address cannot be made (the kernel refuses the second
 * socket with "Cannot assign requested address", so all three punches would fail at once and
 * bring the relay forward), and the relay is not needed yet. The ladder holds both until that
 * dial-back has failed. Behind the same NAT as the listener, its home-network addresses count
 * too (a punch to our shared outside address cannot work there either). A connection from any
 * other address holds nothing, so a stranger who finds our punch port cannot delay the ladder;
 * and only the first dial-back holds, so that others behind the same NAT or carrier NAT, dialing
 * our punch port again and again, cannot hold it for longer than one TLS handshake's deadline.
 */
final class DialBacks {

    /** At most the outside address and {@link dev.p2pchat.peer.directory.Signal#MAX_ADDRESSES} others. */
    private final Set<String> peerHosts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger fromPeer = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param peerHost where the directory saw the listener (its outside address) */
    DialBacks(String peerHost) {
        peerHosts.add(peerHost);
    }

    /** The listener's home-network address, once we know we share its NAT. */
    void alsoAt(String homeAddress) {
        peerHosts.add(homeAddress);
    }

    /** A dial-back arrived from {@code sourceIp}; true if it holds punches and the relay (the first from the peer only). */
    boolean arrived(String sourceIp) {
        if (peerHosts.stream().noneMatch(host -> Candidates.sameNetwork(sourceIp, host))
                || !held.compareAndSet(false, true)) {
            return false;
        }
        fromPeer.incrementAndGet();
        return true;
    }

    /** A dial-back that {@link #arrived} holding has failed. */
    void failed() {
        fromPeer.updateAndGet(n -> Math.max(0, n - 1));
    }

    /** Whether punches and the relay wait. */
    boolean holding() {
        return fromPeer.get() > 0;
    }
}
