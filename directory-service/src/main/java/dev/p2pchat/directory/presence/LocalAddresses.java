package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.system.IpLiterals;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener's own interface addresses as the {@code presence.addresses} column keeps them:
 * {@code "ip port"} pairs separated by commas, IP literals in canonical form; null for none.
 */
final class LocalAddresses {

    /** The most a listener may advertise (as the signalling protocol's address lists). */
    static final int MAX = 8;

    /** One of them; {@code kind} is always {@code local}. */
    record Address(String host, int port) {
    }

    private LocalAddresses() {
    }

    static String encode(List<Address> addresses) {
        if (addresses == null || addresses.isEmpty()) {
            return null;
        }
        List<String> pairs = new ArrayList<>();
        for (Address address : addresses) {
            pairs.add(IpLiterals.canonical(address.host()) + " " + address.port());
        }
        return String.join(",", pairs);
    }

    static List<Address> decode(String column) {
        if (column == null || column.isEmpty()) {
            return List.of();
        }
        List<Address> addresses = new ArrayList<>();
        for (String pair : column.split(",")) {
            int space = pair.indexOf(' ');
            if (space > 0 && addresses.size() < MAX) {
                addresses.add(new Address(pair.substring(0, space), Integer.parseInt(pair.substring(space + 1))));
            }
        }
        return List.copyOf(addresses);
    }
}
