package dev.p2pchat.peer.protocol;

/**
 * The type byte of a frame, with the largest payload each type may declare. The reader checks
 * a frame's declared length against {@link #maxPayload()} before it allocates anything.
 */
public enum FrameType {
    HELLO(0x01, Frames.MAX_JSON_PAYLOAD),
    CHAT(0x02, Frames.MAX_CHAT_BYTES),
    FILE_OFFER(0x10, Frames.MAX_JSON_PAYLOAD),
    FILE_ACCEPT(0x11, Frames.MAX_JSON_PAYLOAD),
    FILE_REJECT(0x12, Frames.MAX_JSON_PAYLOAD),
    FILE_DATA(0x13, Frames.MAX_PAYLOAD),
    FILE_END(0x14, Frames.MAX_JSON_PAYLOAD),
    FILE_RESULT(0x15, Frames.MAX_JSON_PAYLOAD),
    PING(0x20, Frames.PING_BYTES),
    PONG(0x21, Frames.PING_BYTES),
    ERROR(0x7E, Frames.MAX_JSON_PAYLOAD),
    CLOSE(0x7F, Frames.MAX_JSON_PAYLOAD);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final int maxPayload;

    FrameType(int code, int maxPayload) {
        this.code = code;
        this.maxPayload = maxPayload;
    }

    /** The wire byte, 0..255. */
    public int code() {
        return code;
    }

    /** The largest payload length a frame of this type may declare, in bytes. */
    public int maxPayload() {
        return maxPayload;
    }

    /**
     * The type for a wire byte.
     *
     * @throws ProtocolException {@code "unknown frame type 0x7a"} for a byte that names no type
     */
    public static FrameType of(int code) throws ProtocolException {
        FrameType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new ProtocolException(String.format("unknown frame type 0x%02x", code));
        }
        return type;
    }
}
