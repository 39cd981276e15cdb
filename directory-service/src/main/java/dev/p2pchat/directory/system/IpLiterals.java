package dev.p2pchat.directory.system;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** IP address literals as peers send them: checked by their characters first, never looked up. */
public final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiterals() {
    }

    /** The address of a literal that {@link #canonical} accepts, or null. */
    public static InetAddress parse(String text) {
        String literal = canonical(text);
        try {
            return literal == null ? null : InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The canonical form of an IPv4 or IPv6 literal (no brackets, no zone), or null when
     * {@code text} is not one. Never a name lookup: only strings that are literals by their
     * characters reach {@link InetAddress}.
     */
    public static String canonical(String text) {
        if (text == null) {
            return null;
        }
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches())) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            String literal = address.getHostAddress();
            return address instanceof Inet6Address ? compress(literal) : literal;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The IPv6 text form with the longest run of zero groups written as {@code ::} (RFC 5952). */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
