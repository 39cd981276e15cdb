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
 * pick a new address in it at will); an IPv4 address counts as itself. Thread-safe.
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

    /** Takes a slot for {@code source} (a key from {@link #sourceOf}) if both bounds allow. */
    synchronized Outcome tryAcquire(InetAddress source) {
        if (inUse >= max) {
            return Outcome.ALL_IN_USE;
        }
        int held = perSource.getOrDefault(source, 0);
        if (held >= maxPerSource) {
            return Outcome.SOURCE_FULL;
        }
        perSource.put(source, held + 1);
        inUse++;
        return Outcome.TAKEN;
    }

    /** Gives back a slot taken for {@code source}; the source is forgotten with its last slot. */
    synchronized void release(InetAddress source) {
        Integer held = perSource.get(source);
        if (held == null) {
            throw new IllegalStateException("no slot held for " + source);
        }
        if (held == 1) {
            perSource.remove(source);
        } else {
            perSource.put(source, held - 1);
        }
        inUse--;
    }

    synchronized int inUse() {
        return inUse;
    }

    /** Sources holding a slot now: the size of the table. */
    synchronized int sources() {
        return perSource.size();
    }
}
