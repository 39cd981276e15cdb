package dev.p2pchat.peer.protocol;

/** The {@code code} of an ERROR frame, with its wire string (lowercase snake case). */
public enum ErrorCode {
    /** The peer broke the protocol: malformed, oversized, unknown or out-of-order frame. */
    PROTOCOL_ERROR("protocol_error"),
    /** HELLO carried a {@code version} this peer does not speak. */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** The certificate's fingerprint does not match the one known for the claimed or wanted user. */
    IDENTITY_MISMATCH("identity_mismatch"),
    /** The username claimed in HELLO is not known (to the directory nor in known_peers). */
    UNKNOWN_USER("unknown_user"),
    /** The listener already serves as many sessions as it allows. */
    TOO_MANY_SESSIONS("too_many_sessions"),
    /** The handshake did not finish in time, or the peer stayed silent too long. */
    TIMEOUT("timeout"),
    /** The sender failed on its own side (a bug, a full disk, ...). */
    INTERNAL("internal"),
    /**
     * A code this version does not know, received from a newer or foreign peer. ERROR frames
     * stay readable whatever their code; nobody should need to send this one.
     */
    UNKNOWN("unknown");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The string sent in the {@code code} field. */
    public String wire() {
        return wire;
    }

    /** The code for a wire string; {@link #UNKNOWN} for any string this version does not know. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return UNKNOWN;
    }
}
