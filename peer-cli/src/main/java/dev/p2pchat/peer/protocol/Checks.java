package dev.p2pchat.peer.protocol;

import java.util.regex.Pattern;

/**
 * Field checks shared by the {@link Frame} records. Each throws IllegalArgumentException with
 * a message that names the field and never quotes a string value, because the reader turns
 * these messages into {@link ProtocolException}s about untrusted payloads.
 */
final class Checks {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Checks() {
    }

    static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(rangeMessage(field, Long.toString(value), min, max));
        }
        return value;
    }

    static String rangeMessage(String field, String value, long min, long max) {
        return "field '" + field + "' must be between " + min + " and " + max + ", got " + abbreviate(value);
    }

    static long id(long id) {
        return range("id", id, 0, Frames.MAX_ID);
    }

    static long nonNegative(String field, long value) {
        return range(field, value, 0, Long.MAX_VALUE);
    }

    /** A string of {@code min..max} Unicode code points without unpaired surrogates. */
    static String text(String field, String value, int min, int max) {
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' must not be null");
        }
        if (utf8Length(value) < 0) {
            throw new IllegalArgumentException("field '" + field + "' is not valid Unicode (unpaired surrogate)");
        }
        int chars = value.codePointCount(0, value.length());
        if (chars < min) {
            throw new IllegalArgumentException(min == 1
                    ? "field '" + field + "' must not be empty"
                    : "field '" + field + "' is shorter than " + min + " characters");
        }
        if (chars > max) {
            throw new IllegalArgumentException("field '" + field + "' is longer than " + max + " characters");
        }
        return value;
    }

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    /** Base64 text (standard alphabet) of 1 to {@code max} characters. */
    static String base64(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max || value.length() % 4 != 0
                || !BASE64.matcher(value).matches()) {
            throw new IllegalArgumentException("field '" + field + "' must be base64 of at most " + max + " characters");
        }
        return value;
    }

    static String username(String value) {
        if (value == null) {
            throw new IllegalArgumentException("field 'username' must not be null");
        }
        if (!USERNAME.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "field 'username' must be 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit");
        }
        return value;
    }

    static String sha256(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' must not be null");
        }
        if (!SHA256_HEX.matcher(value).matches()) {
            throw new IllegalArgumentException("field '" + field + "' must be 64 lowercase hex characters");
        }
        return value;
    }

    static byte[] pingPayload(FrameType type, byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException(type + " payload must not be null");
        }
        if (payload.length != Frames.PING_BYTES) {
            throw new IllegalArgumentException(pingLengthMessage(type, payload.length));
        }
        return payload.clone();
    }

    static String pingLengthMessage(FrameType type, int length) {
        return type + " payload must be " + Frames.PING_BYTES + " bytes, got " + length;
    }

    /**
     * The number of bytes {@code s} takes in UTF-8, or -1 when it holds an unpaired surrogate
     * (which has no UTF-8 form). Allocates nothing.
     */
    static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                i++;
                bytes += 4;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** {@code s} cut to 64 characters, so that no message quotes a large untrusted value. */
    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
