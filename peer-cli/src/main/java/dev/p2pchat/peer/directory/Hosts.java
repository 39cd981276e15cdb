package dev.p2pchat.peer.directory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Host names and IP literals as they may appear in what the directory and peers send. */
public final class Hosts {

    /** A DNS name: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Hosts() {
    }

    public static boolean isSyntacticHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (isIpLiteral(host)) {
            return true;
        }
        if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            return false;
        }
        return HOST_NAME.matcher(host).matches() && !host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /** An IPv4 dotted quad or an IPv6 literal (without brackets): parsed, never looked up. */
    public static boolean isIpLiteral(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        var v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (host.indexOf(':') >= 0) {
            if (!IPV6.matcher(host).matches()) {
                return false;
            }
            try {
                InetAddress.getByName(host); // a literal: parsed, never looked up
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * True when {@code host} is, or resolves to, an address of this machine or the local link. A
     * name that cannot be resolved is not local (dialing it fails later with a clear message).
     */
    public static boolean isLocal(String host) {
        if (host == null) {
            return false;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress address : InetAddress.getAllByName(literal)) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                        || address.isMulticastAddress()) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

}
