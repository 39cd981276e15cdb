package dev.p2pchat.peer.protocol;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which frames a connection accepts at some point, and how long they may be: stricter than the
 * wire's own limits. {@link FrameReader#read(FrameLimits)} checks a header against them after
 * the wire checks (known type, 1 MiB, the type's maximum) and before it allocates a payload
 * buffer or reads a payload byte.
 *
 * @param context    where the limits apply, the tail of the message: {@code "during the handshake"}
 * @param types      the frame types accepted
 * @param maxPayload the largest payload accepted, whatever the type
 */
public record FrameLimits(String context, Set<FrameType> types, int maxPayload) {

    /** Every frame within the wire's limits: an established session. */
    public static final FrameLimits ANY =
            new FrameLimits("in a session", EnumSet.allOf(FrameType.class), Frames.MAX_PAYLOAD);

    /**
     * Before the HELLO exchange has ended (PROTOCOL.md 6.1): HELLO, ERROR and CLOSE only. They are
     * JSON frames, so nothing over 16 KiB is read from a peer not yet known: no 1 MiB FILE_DATA
     * buffer, no 64 KiB CHAT.
     */
    public static final FrameLimits HANDSHAKE = new FrameLimits("during the handshake",
            EnumSet.of(FrameType.HELLO, FrameType.ERROR, FrameType.CLOSE), Frames.MAX_JSON_PAYLOAD);

    public FrameLimits {
        Objects.requireNonNull(context, "context");
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("at least one frame type must be accepted");
        }
        if (maxPayload < 0 || maxPayload > Frames.MAX_PAYLOAD) {
            throw new IllegalArgumentException("maxPayload must be between 0 and " + Frames.MAX_PAYLOAD
                    + ", not " + maxPayload);
        }
        types = Collections.unmodifiableSet(EnumSet.copyOf(types));
    }

    /**
     * Checks a header the wire limits have passed.
     *
     * @throws ProtocolException {@code "CHAT frame not allowed during the handshake"}, or
     *                           {@code "HELLO frame length 5000 exceeds 4096 during the handshake"}
     */
    void check(FrameType type, long length) throws ProtocolException {
        if (!types.contains(type)) {
            throw new ProtocolException(type + " frame not allowed " + context);
        }
        if (length > maxPayload) {
            throw new ProtocolException(type + " frame length " + length + " exceeds " + maxPayload + " " + context);
        }
    }
}
