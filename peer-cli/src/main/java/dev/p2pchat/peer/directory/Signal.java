package dev.p2pchat.peer.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.p2pchat.peer.identity.Usernames;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One message of the signalling channel (docs/PROTOCOL.md, "Signalling"): a flat JSON object
 * whose {@code type} says which members it has. {@code seen}, added by the directory to a
 * forwarded {@code connect} or {@code accept}, is the address it sees the sender's channel come
 * from: what the sender claims about itself is checked against it. {@code presence}, in the
 * welcome of a listening channel, says that the directory keeps our presence alive while the
 * channel is open. Messages from the directory are hostile input:
 * {@link #parse} accepts only a well-formed message of a known type, with every member in range.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Signal(String type, String username, String from, String to, String attempt, List<Candidate> addresses,
                     Integer n, String reason, String path, String token, String role, RelayPoint relay,
                     String seen, Boolean presence) {

    /** Frames over this size are refused by both ends. */
    public static final int MAX_CHARS = 4096;
    public static final int MAX_ADDRESSES = 8;

    /** An address a peer can be reached at: as the relay observed it, or on its own interfaces. */
    public record Candidate(String host, int port, String kind) {
        public static final String OBSERVED = "observed";
        public static final String LOCAL = "local";
    }

    /** Where the relay listens; a null host means the host of the directory's URL. */
    public record RelayPoint(String host, int port) {
    }

    public static final String WELCOME = "welcome";
    public static final String CONNECT = "connect";
    public static final String ACCEPT = "accept";
    public static final String REFUSE = "refuse";
    public static final String PING = "ping";
    public static final String PONG = "pong";
    public static final String SYNC = "sync";
    public static final String RELAY = "relay";
    public static final String DONE = "done";
    public static final String RELAY_OFFER = "relay-offer";
    public static final String ERROR = "error";
    /** The directory has no presence of ours to keep (it restarted, or lost it): publish it again. */
    public static final String REPUBLISH = "republish";

    private static final Set<String> FORWARDED = Set.of(CONNECT, ACCEPT, REFUSE, PING, PONG, SYNC, DONE);
    private static final Set<String> PATHS = Set.of("direct", "reverse", "punched", "relayed");
    private static final Set<String> ROLES = Set.of("dialer", "listener");
    private static final Pattern ATTEMPT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,200}");
    private static final Pattern REASON = Pattern.compile("[a-z-]{1,40}");
    private static final int MAX_TEXT = 200;

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    // ------------------------------------------------------------------ messages a peer sends

    public static Signal connect(String to, String attempt, List<Candidate> addresses) {
        return forwarded(CONNECT, to, attempt, addresses, null, null, null);
    }

    public static Signal accept(String to, String attempt, List<Candidate> addresses) {
        return forwarded(ACCEPT, to, attempt, addresses, null, null, null);
    }

    public static Signal refuse(String to, String attempt, String reason) {
        return forwarded(REFUSE, to, attempt, null, null, clip(reason), null);
    }

    public static Signal ping(String to, String attempt, int n) {
        return forwarded(PING, to, attempt, null, n, null, null);
    }

    public static Signal pong(String to, String attempt, int n) {
        return forwarded(PONG, to, attempt, null, n, null, null);
    }

    public static Signal sync(String to, String attempt, int n) {
        return forwarded(SYNC, to, attempt, null, n, null, null);
    }

    public static Signal relay(String to, String attempt) {
        return forwarded(RELAY, to, attempt, null, null, null, null);
    }

    public static Signal done(String to, String attempt, String path) {
        return forwarded(DONE, to, attempt, null, null, null, path);
    }

    private static Signal forwarded(String type, String to, String attempt, List<Candidate> addresses, Integer n,
                                    String reason, String path) {
        return new Signal(type, null, null, to, attempt, addresses, n, reason, path, null, null, null, null, null);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    // ------------------------------------------------------------------ messages a peer receives

    /** The message in {@code text}, or null when it is not a valid message from the directory. */
    public static Signal parse(String text) {
        if (text == null || text.length() > MAX_CHARS) {
            return null;
        }
        Signal signal;
        try {
            signal = JSON.readValue(text, Signal.class);
        } catch (JacksonException e) {
            return null;
        }
        return signal != null && signal.valid() ? signal : null;
    }

    private boolean valid() {
        if (type == null) {
            return false;
        }
        switch (type) {
            case WELCOME:
                return Usernames.isValid(username) && (relay == null || validRelay(relay));
            case RELAY_OFFER:
                return validAttempt() && Usernames.isValid(from) && token != null && TOKEN.matcher(token).matches()
                        && ROLES.contains(role) && relay != null && validRelay(relay);
            case REPUBLISH:
                return true;
            case ERROR:
                return reason != null && REASON.matcher(reason).matches() && (attempt == null || validAttempt());
            default:
                break;
        }
        if (!FORWARDED.contains(type) || !Usernames.isValid(from) || !validAttempt()) {
            return false;
        }
        if (seen != null && !Hosts.isIpLiteral(seen)) {
            return false;
        }
        return switch (type) {
            case CONNECT, ACCEPT -> validAddresses();
            case REFUSE -> reason != null && reason.length() <= MAX_TEXT;
            case PING, PONG -> n != null && n >= 0;
            case SYNC -> n != null && n >= 1 && n <= 3;
            case DONE -> PATHS.contains(path);
            default -> false;
        };
    }

    private boolean validAttempt() {
        return attempt != null && ATTEMPT.matcher(attempt).matches();
    }

    private boolean validAddresses() {
        if (addresses == null || addresses.size() > MAX_ADDRESSES) {
            return false;
        }
        for (Candidate candidate : addresses) {
            if (candidate == null || !Hosts.isIpLiteral(candidate.host()) || candidate.port() < 1
                    || candidate.port() > 65535
                    || !(Candidate.OBSERVED.equals(candidate.kind()) || Candidate.LOCAL.equals(candidate.kind()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean validRelay(RelayPoint relay) {
        return relay.port() >= 1 && relay.port() <= 65535 && (relay.host() == null || Hosts.isSyntacticHost(relay.host()));
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
