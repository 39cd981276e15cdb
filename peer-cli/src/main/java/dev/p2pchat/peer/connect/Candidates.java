package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Hosts;
import dev.p2pchat.peer.directory.Signal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Addresses a peer can be reached at, and the rules for which of them to try. */
public final class Candidates {

    private Candidates() {
    }

    /**
     * This machine's own addresses for {@code port}: up interfaces, no loopback, link-local,
     * multicast or unspecified addresses, at most {@link Signal#MAX_ADDRESSES} minus one (room
     * for the observed address).
     */
    public static List<Signal.Candidate> local(int port) {
        List<Signal.Candidate> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (usable(address) && found.size() < Signal.MAX_ADDRESSES - 1) {
                        found.add(new Signal.Candidate(literal(address), port, Signal.Candidate.LOCAL));
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to offer: the observed address may still do
        }
        return found;
    }

    static Signal.Candidate observed(InetSocketAddress mapping) {
        return new Signal.Candidate(literal(mapping.getAddress()), mapping.getPort(), Signal.Candidate.OBSERVED);
    }

    static boolean usable(InetAddress address) {
        return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                && !address.isMulticastAddress();
    }

    /** The IP without a scope or brackets, as the signalling protocol carries it. */
    static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    /**
     * The peer's own-interface addresses are tried only when both sides were seen at the same
     * public address (the same NAT): from anywhere else they lead nowhere, and trying them would
     * let any user point our dialer into our own network.
     */
    static boolean sameNetwork(String ourPublicIp, String theirPublicIp) {
        if (ourPublicIp == null || theirPublicIp == null) {
            return false;
        }
        if (!Hosts.isIpLiteral(ourPublicIp) || !Hosts.isIpLiteral(theirPublicIp)) {
            return ourPublicIp.equalsIgnoreCase(theirPublicIp);
        }
        try {
            // parsed, never looked up: both are IP literals ("::1" and "0:0:0:0:0:0:0:1" are one)
            return java.net.InetAddress.getByName(ourPublicIp).equals(java.net.InetAddress.getByName(theirPublicIp));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static InetSocketAddress socket(Signal.Candidate candidate) {
        return new InetSocketAddress(candidate.host(), candidate.port()); // IP literals only: no lookup
    }

    static String describe(Signal.Candidate candidate) {
        return Endpoints.format(candidate.host(), candidate.port());
    }

    /**
     * Where the relay is: its own host if the directory named one, else the directory's host;
     * null when a directory elsewhere names a relay on this machine or its local link (it would
     * have us write to our own services).
     */
    static InetSocketAddress relay(Signal.RelayPoint relay, URI directory) {
        String host = relay.host() != null ? relay.host() : directory.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (relay.host() != null && !Hosts.isLocal(directory.getHost()) && Hosts.isLocal(host)) {
            return null;
        }
        return new InetSocketAddress(host, relay.port());
    }

    /**
     * Whether a peer may be dialed at {@code candidate}: never this machine or the local link
     * (unless the directory itself is on this machine, as in tests), and, when {@code expectedIp}
     * is known (where the directory saw that peer), its outside address must be that one — so
     * nobody can aim our SYNs and TLS hellos at a third party.
     */
    static boolean dialable(Signal.Candidate candidate, URI directory, String expectedIp) {
        boolean directoryLocal = Hosts.isLocal(directory.getHost());
        if (!directoryLocal && Hosts.isLocal(candidate.host())) {
            return false;
        }
        return expectedIp == null || !Signal.Candidate.OBSERVED.equals(candidate.kind())
                || sameNetwork(candidate.host(), expectedIp);
    }

    /** An address the relay says it saw us at: never this machine, unless the directory is. */
    static boolean plausible(InetSocketAddress mapped, URI directory) {
        return Hosts.isLocal(directory.getHost()) || !Hosts.isLocal(literal(mapped.getAddress()));
    }
}
