package dev.p2pchat.peer.protocol;

/** Constants of the {@code p2pchat/1} protocol. */
public final class Frames {

    /** The TLS ALPN protocol name, also the protocol's name in the docs. */
    public static final String ALPN = "p2pchat/1";

    /** The {@code version} sent and expected in HELLO. */
    public static final int PROTOCOL_VERSION = 1;

    /** Bytes in a frame header: type (u8) and payload length (u32, big-endian). */
    public static final int HEADER_BYTES = 5;

    /** Largest payload of any frame: 1 MiB. */
    public static final int MAX_PAYLOAD = 1 << 20;

    /** Largest file chunk in one FILE_DATA frame: the payload minus its 4-byte id. */
    public static final int MAX_FILE_CHUNK = MAX_PAYLOAD - 4;

    /** Largest CHAT payload, in UTF-8 bytes (64 KiB). */
    public static final int MAX_CHAT_BYTES = 65536;

    /** Largest payload of a JSON frame (HELLO, FILE_OFFER, ..., ERROR, CLOSE): 16 KiB. */
    public static final int MAX_JSON_PAYLOAD = 16 * 1024;

    /** Exact payload size of PING and PONG. */
    public static final int PING_BYTES = 8;

    /** Largest file id: ids are u32. */
    public static final long MAX_ID = 0xFFFF_FFFFL;

    /** HELLO {@code username}: 3 to 32 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit. */
    public static final int MAX_USERNAME_CHARS = 32;

    /** HELLO {@code client}: at most 128 characters. */
    public static final int MAX_CLIENT_CHARS = 128;

    /** Files every receiver takes at once (docs/PROTOCOL.md 7.2); HELLO {@code files} may say more. */
    public static final int MIN_FILES_AT_ONCE = 8;
    /** The largest HELLO {@code files}. */
    public static final int MAX_FILES_AT_ONCE = 65536;
    /** FILE_OFFER {@code name}: 1 to 1024 characters. */
    public static final int MAX_FILE_NAME_CHARS = 1024;
    /** FILE_OFFER {@code path}: 1 to 1024 characters (with a name of 1024, still within a JSON payload, escaped). */
    public static final int MAX_FILE_PATH_CHARS = 1024;

    /** FILE_REJECT / CLOSE {@code reason} and ERROR {@code message}: at most 1024 characters. */
    public static final int MAX_TEXT_CHARS = 1024;

    private Frames() {
    }

    /** The signature of a key log head in HELLO: Ed25519 is 88 base64 characters. */
    public static final int MAX_SIGNATURE_CHARS = 256;
}
