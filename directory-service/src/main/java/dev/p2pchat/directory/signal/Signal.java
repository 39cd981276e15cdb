package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.account.ValidUsername;
import dev.p2pchat.directory.system.IpLiterals;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One message a peer sends on its signalling channel (docs/PROTOCOL.md, section 12), checked
 * member by member: every frame is hostile until {@link #parse} has accepted it. Only the members
 * of its type are kept (unknown ones are dropped, never forwarded), and what is forwarded is
 * written anew by {@link #forwarded} with the {@code from} the server knows, never the sender's.
 */
record Signal(Type type, String to, String attempt, List<Address> addresses, Integer n, String reason, String path) {

    /** The largest frame, in UTF-8 bytes. */
    static final int MAX_FRAME_BYTES = 4096;
    static final int MAX_ADDRESSES = 8;
    static final int MAX_REASON_CHARS = 200;

    private static final Pattern USERNAME = Pattern.compile(ValidUsername.PATTERN);
    private static final Pattern ATTEMPT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Set<String> PATHS = Set.of("direct", "reverse", "punched", "relayed");
    static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The types a peer may send. */
    enum Type {
        CONNECT, ACCEPT, REFUSE, PING, PONG, SYNC, RELAY, DONE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type of(String wire) {
            for (Type type : values()) {
                if (type.wire().equals(wire)) {
                    return type;
                }
            }
            return null;
        }
    }

    /** An address a peer can be reached at: {@code observed} by the relay, or {@code local} (its own interface). */
    record Address(String host, int port, String kind) {
        static final String OBSERVED = "observed";
        static final String LOCAL = "local";

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("host", host);
            map.put("port", port);
            map.put("kind", kind);
            return map;
        }
    }

    /** A frame the server does not accept; the peer is told {@code error invalid}. */
    static final class InvalidSignalException extends Exception {
        InvalidSignalException(String why) {
            super(why, null, false, false);
        }
    }

    /** The message in a text frame, or {@link InvalidSignalException} saying what is wrong. */
    static Signal parse(String text) throws InvalidSignalException {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES) {
            throw new InvalidSignalException("over " + MAX_FRAME_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidSignalException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidSignalException("not a JSON object");
        }
        JsonNode typeNode = node.get("type");
        Type type = typeNode != null && typeNode.isString() ? Type.of(typeNode.stringValue()) : null;
        if (type == null) {
            throw new InvalidSignalException("no known type");
        }
        String to = string(node, "to");
        if (to == null || !USERNAME.matcher(to).matches()) {
            throw new InvalidSignalException("'to' is not a username");
        }
        String attempt = string(node, "attempt");
        if (attempt == null || !ATTEMPT.matcher(attempt).matches()) {
            throw new InvalidSignalException("'attempt' is not 22 base64url characters");
        }
        return switch (type) {
            case CONNECT, ACCEPT -> new Signal(type, to, attempt, addresses(node.get("addresses")), null, null, null);
            case REFUSE -> new Signal(type, to, attempt, null, null, reason(node), null);
            case PING, PONG -> new Signal(type, to, attempt, null, number(node, 0, Integer.MAX_VALUE), null, null);
            case SYNC -> new Signal(type, to, attempt, null, number(node, 1, 3), null, null);
            case DONE -> {
                String path = string(node, "path");
                if (path == null || !PATHS.contains(path)) {
                    throw new InvalidSignalException("'path' is not one of " + PATHS);
                }
                yield new Signal(type, to, attempt, null, null, null, path);
            }
            case RELAY -> new Signal(type, to, attempt, null, null, null, null);
        };
    }

    /**
     * This message as its recipient gets it: the sender's authenticated name as {@code from}, no
     * {@code to}, and on {@code connect} and {@code accept} the address the directory sees the
     * sender come from as {@code seen}, against which the recipient checks what the sender claims.
     */
    Map<String, Object> forwarded(String from, String seen) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type.wire());
        message.put("from", from);
        message.put("attempt", attempt);
        if (seen != null && (type == Type.CONNECT || type == Type.ACCEPT)) {
            message.put("seen", seen);
        }
        if (addresses != null) {
            message.put("addresses", addresses.stream().map(Address::toMap).toList());
        }
        if (n != null) {
            message.put("n", n);
        }
        if (reason != null) {
            message.put("reason", reason);
        }
        if (path != null) {
            message.put("path", path);
        }
        return message;
    }

    private static String string(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    private static int number(JsonNode node, int min, int max) throws InvalidSignalException {
        JsonNode value = node.get("n");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()
                || value.intValue() < min || value.intValue() > max) {
            throw new InvalidSignalException("'n' is not an integer from " + min + " to " + max);
        }
        return value.intValue();
    }

    private static String reason(JsonNode node) throws InvalidSignalException {
        String reason = string(node, "reason");
        if (reason == null || reason.codePointCount(0, reason.length()) > MAX_REASON_CHARS) {
            throw new InvalidSignalException("'reason' is not a string of at most " + MAX_REASON_CHARS + " characters");
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < reason.length() && Character.isLowSurrogate(reason.charAt(++i)))) {
                throw new InvalidSignalException("'reason' has control characters or is not valid Unicode");
            }
        }
        return reason;
    }

    private static List<Address> addresses(JsonNode node) throws InvalidSignalException {
        if (node == null || !node.isArray() || node.size() > MAX_ADDRESSES) {
            throw new InvalidSignalException("'addresses' is not a list of at most " + MAX_ADDRESSES);
        }
        List<Address> addresses = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isObject()) {
                throw new InvalidSignalException("an address is not an object");
            }
            String host = IpLiterals.canonical(string(item, "host"));
            JsonNode port = item.get("port");
            String kind = string(item, "kind");
            if (host == null) {
                throw new InvalidSignalException("an address's host is not an IP address");
            }
            if (port == null || !port.isIntegralNumber() || !port.canConvertToInt() || port.intValue() < 1
                    || port.intValue() > 65535) {
                throw new InvalidSignalException("an address's port is not 1 to 65535");
            }
            if (!Address.OBSERVED.equals(kind) && !Address.LOCAL.equals(kind)) {
                throw new InvalidSignalException("an address's kind is not observed or local");
            }
            addresses.add(new Address(host, port.intValue(), kind));
        }
        return List.copyOf(addresses);
    }
}
