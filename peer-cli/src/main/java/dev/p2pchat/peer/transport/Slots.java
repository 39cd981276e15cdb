package dev.p2pchat.peer.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A bounded number of slots, with a smaller bound per source address, so that one address
 * cannot take them all. An address is counted only while it holds a slot: the table never has
 * more entries than slots in use.
 *
 * <p>An IPv6 address counts as its /64 network, which one host usually has to itself (it can
 * pick a new address in it at will), and its /48 (a site: a home gets a /56 or a /48) may hold
 * at most twice one source's share, so a site cannot take every slot with 256 networks; an
 * IPv4 address counts as itself. A {@code null} source (a connection we opened ourselves, on a
 * peer's authenticated request) counts against the total only. Thread-safe.
 */
final class Slots {

    enum Outcome {
        TAKEN,
        /** Every slot is in use. */
        ALL_IN_USE,
        /** This source holds its share already. */
        SOURCE_FULL
    }

    private final int max;
    private final int maxPerSource;
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    private int inUse;

    Slots(int max, int maxPerSource) {
        if (max < 1 || maxPerSource < 1) {
            throw new IllegalArgumentException("the bounds must be at least 1");
        }
        this.max = max;
        this.maxPerSource = maxPerSource;
    }

    /** The key {@code address} is counted under: itself, or its /64 network for IPv6. */
    static InetAddress sourceOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] network = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Takes a slot for {@code source} (a key from {@link #sourceOf}, or null) if the bounds allow. */
    synchronized Outcome tryAcquire(InetAddress source) {
        if (inUse >= max) {
            return Outcome.ALL_IN_USE;
        }
        if (source != null) {
            if (perSource.getOrDefault(source, 0) >= maxPerSource) {
                return Outcome.SOURCE_FULL;
            }
            InetAddress site = siteOf(source);
            if (site != null && perSource.getOrDefault(site, 0) >= 2 * maxPerSource) {
                return Outcome.SOURCE_FULL;
            }
            perSource.merge(source, 1, Integer::sum);
            if (site != null) {
                perSource.merge(site, 1, Integer::sum);
            }
        }
        inUse++;
        return Outcome.TAKEN;
    }

    /** Gives back a slot taken for {@code source}; a source is forgotten with its last slot. */
    synchronized void release(InetAddress source) {
        if (source != null) {
            giveBack(source);
            InetAddress site = siteOf(source);
            if (site != null) {
                giveBack(site);
            }
        }
        inUse--;
    }

    private void giveBack(InetAddress key) {
        Integer held = perSource.get(key);
        if (held == null) {
            throw new IllegalStateException("no slot held for " + key);
        }
        if (held == 1) {
            perSource.remove(key);
        } else {
            perSource.put(key, held - 1);
        }
    }

    /**
     * The /48 an IPv6 source (already a /64 key) belongs to, as a key that cannot collide with a
     * /64 key (the /64 part is marked), or null for IPv4.
     */
    private static InetAddress siteOf(InetAddress source) {
        if (!(source instanceof Inet6Address)) {
            return null;
        }
        byte[] site = Arrays.copyOf(source.getAddress(), 16);
        Arrays.fill(site, 6, 16, (byte) 0);
        site[15] = 0x48; // a /64 key always ends in zeros: this one is the site's
        try {
            return InetAddress.getByAddress(site);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    synchronized int inUse() {
        return inUse;
    }

    /** Sources holding a slot now: the size of the table. */
    synchronized int sources() {
        return perSource.size();
    }
}
