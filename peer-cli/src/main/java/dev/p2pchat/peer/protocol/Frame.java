package dev.p2pchat.peer.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One frame of {@code p2pchat/1}. Each record checks its values in its constructor and throws
 * IllegalArgumentException for a value the protocol does not allow; {@link FrameReader} turns
 * such failures in a received payload into a {@link ProtocolException}.
 *
 * <p>Ids are u32 ({@code 0..4294967295}) held in a {@code long}; sizes and offsets are
 * {@code long} and may exceed 4 GiB. Character limits count Unicode code points.
 */
public sealed interface Frame {

    /** The wire type of this frame. */
    FrameType type();

    /**
     * The first frame each side sends. {@code version} is 1 or more (the session answers
     * anything but {@link Frames#PROTOCOL_VERSION} with ERROR unsupported_version);
     * {@code username} follows the directory's rule (3 to 32 of A-Z a-z 0-9 _ . -, starting
     * with a letter or digit); {@code client} names the software, at most 128 characters.
     */
    record Hello(int version, String username, String client, LogHead logHead, int files) implements Frame {
        public Hello {
            Checks.range("version", version, 1, Integer.MAX_VALUE);
            Checks.username(username);
            Checks.text("client", client, 0, Frames.MAX_CLIENT_CHARS);
            Checks.range("files", files, 0, Frames.MAX_FILES_AT_ONCE);
        }

        /** Without {@code files}: a peer that takes the protocol's minimum of files at once. */
        public Hello(int version, String username, String client, LogHead logHead) {
            this(version, username, client, logHead, 0);
        }

        /** Without a key log head: a peer that holds none. */
        public Hello(int version, String username, String client, int files) {
            this(version, username, client, null, files);
        }

        /**
         * How many files the sender of this HELLO takes at once (offered and not yet answered
         * by FILE_RESULT or FILE_REJECT): its {@code files}, or {@link Frames#MIN_FILES_AT_ONCE}
         * when it did not say.
         */
        public int filesAtOnce() {
            return files == 0 ? Frames.MIN_FILES_AT_ONCE : Math.max(files, Frames.MIN_FILES_AT_ONCE);
        }

        /** Neither: what an older peer sends. */
        public Hello(int version, String username, String client) {
            this(version, username, client, null, 0);
        }

        /** A HELLO for this protocol version. */
        public static Hello of(String username, String client) {
            return new Hello(Frames.PROTOCOL_VERSION, username, client);
        }

        /** A HELLO for this protocol version with the latest key log head we verified (or null). */
        public static Hello of(String username, String client, LogHead logHead) {
            return new Hello(Frames.PROTOCOL_VERSION, username, client, logHead);
        }

        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }
    }

    /**
     * HELLO's optional {@code logHead}: the latest signed tree head of the directory's key log
     * the sender verified, and the fingerprint of the log key that signed it, so that two peers
     * can see whether the directory shows them the same log. Only its form is checked here; the
     * signature and consistency are the key log's business.
     */
    record LogHead(String logKey, long size, String rootHash, long timestamp, String signature) {
        public LogHead {
            Checks.sha256("logHead.logKey", logKey);
            Checks.nonNegative("logHead.size", size);
            Checks.sha256("logHead.rootHash", rootHash);
            Checks.nonNegative("logHead.timestamp", timestamp);
            Checks.base64("logHead.signature", signature, Frames.MAX_SIGNATURE_CHARS);
        }
    }

    /** A chat message: 1 to {@link Frames#MAX_CHAT_BYTES} bytes in UTF-8. */
    record Chat(String text) implements Frame {
        public Chat {
            if (text == null) {
                throw new IllegalArgumentException("chat text must not be null");
            }
            long bytes = Checks.utf8Length(text);
            if (bytes < 0) {
                throw new IllegalArgumentException("chat text is not valid Unicode (unpaired surrogate)");
            }
            if (bytes == 0) {
                throw new IllegalArgumentException("chat text must not be empty");
            }
            if (bytes > Frames.MAX_CHAT_BYTES) {
                throw new IllegalArgumentException(
                        "chat text is " + bytes + " bytes in UTF-8, over " + Frames.MAX_CHAT_BYTES);
            }
        }

        @Override
        public FrameType type() {
            return FrameType.CHAT;
        }
    }

    /**
     * The sender offers a file: an id it chose (unique on this connection), a name and a size.
     * A file of a folder being sent also has a {@code path}: the folders above it, from the top
     * folder sent, joined with {@code /} (null for a single file); an empty folder itself is
     * offered with {@code folder} true and size 0.
     */
    record FileOffer(long id, String name, long size, String path, boolean folder) implements Frame {
        public FileOffer {
            Checks.id(id);
            Checks.text("name", name, 1, Frames.MAX_FILE_NAME_CHARS);
            Checks.nonNegative("size", size);
            if (path != null) {
                Checks.text("path", path, 1, Frames.MAX_FILE_PATH_CHARS);
            }
            if (folder && size != 0) {
                throw new IllegalArgumentException("a folder is offered with size 0, not " + size);
            }
        }

        /** A single file, outside any folder. */
        public FileOffer(long id, String name, long size) {
            this(id, name, size, null, false);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_OFFER;
        }
    }

    /**
     * The receiver takes an offered file from {@code offset}. When {@code offset > 0} (resuming a
     * partial) {@code prefixSha256} is the SHA-256 of the first {@code offset} bytes it already
     * has; when {@code offset == 0} it is null.
     */
    record FileAccept(long id, long offset, String prefixSha256) implements Frame {
        public FileAccept {
            Checks.id(id);
            Checks.nonNegative("offset", offset);
            if (offset > 0 && prefixSha256 == null) {
                throw new IllegalArgumentException("field 'prefixSha256' is required when 'offset' is over 0");
            }
            if (offset == 0 && prefixSha256 != null) {
                throw new IllegalArgumentException("field 'prefixSha256' must be absent when 'offset' is 0");
            }
            if (prefixSha256 != null) {
                Checks.sha256("prefixSha256", prefixSha256);
            }
        }

        /** Accept from the start. */
        public static FileAccept fromStart(long id) {
            return new FileAccept(id, 0, null);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_ACCEPT;
        }
    }

    /** The receiver refuses an offered file, or the sender withdraws it ("prefix mismatch"). */
    record FileReject(long id, String reason) implements Frame {
        public FileReject {
            Checks.id(id);
            Checks.text("reason", reason, 0, Frames.MAX_TEXT_CHARS);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_REJECT;
        }
    }

    /**
     * A chunk of file {@code id}: the bytes {@code buffer[offset .. offset + length)}, at most
     * {@link Frames#MAX_FILE_CHUNK}. This is a <em>view</em>: the record does not copy the
     * buffer, and {@link #buffer()} returns it as is.
     *
     * <p>A FileData returned by {@link FrameReader#read()} is valid only until the next call to
     * {@code read()} on that reader, which reuses the buffer: consume the bytes (write them to
     * the file) before reading on, or copy them with {@link #toByteArray()}.
     *
     * <p>{@code equals} and {@code hashCode} compare the id and the bytes in view.
     */
    record FileData(long id, byte[] buffer, int offset, int length) implements Frame {
        public FileData {
            Checks.id(id);
            if (buffer == null) {
                throw new IllegalArgumentException("FILE_DATA buffer must not be null");
            }
            if (offset < 0 || length < 0 || length > buffer.length - offset) {
                throw new IllegalArgumentException("FILE_DATA view offset " + offset + " length " + length
                        + " is out of bounds for a buffer of " + buffer.length + " bytes");
            }
            if (length > Frames.MAX_FILE_CHUNK) {
                throw new IllegalArgumentException(
                        "FILE_DATA chunk of " + length + " bytes exceeds " + Frames.MAX_FILE_CHUNK);
            }
        }

        /** A view over all of {@code data}. */
        public FileData(long id, byte[] data) {
            this(id, data, 0, data == null ? 0 : data.length);
        }

        /** A copy of the bytes in view. */
        public byte[] toByteArray() {
            return Arrays.copyOfRange(buffer, offset, offset + length);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileData other
                    && id == other.id
                    && Arrays.equals(buffer, offset, offset + length, other.buffer, other.offset, other.offset + other.length);
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(id);
            for (int i = offset; i < offset + length; i++) {
                h = 31 * h + buffer[i];
            }
            return h;
        }

        @Override
        public String toString() {
            return "FileData[id=" + id + ", length=" + length + "]";
        }
    }

    /** The sender has sent all of file {@code id}; {@code sha256} is its hash of the whole file. */
    record FileEnd(long id, String sha256) implements Frame {
        public FileEnd {
            Checks.id(id);
            Checks.sha256("sha256", sha256);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_END;
        }
    }

    /**
     * The receiver's verdict on file {@code id}: {@code sha256} is its hash over the bytes it
     * wrote, {@code ok} whether that equals the sender's.
     */
    record FileResult(long id, boolean ok, String sha256) implements Frame {
        public FileResult {
            Checks.id(id);
            Checks.sha256("sha256", sha256);
        }

        @Override
        public FrameType type() {
            return FrameType.FILE_RESULT;
        }
    }

    /** A liveness probe: exactly 8 opaque bytes, which the peer echoes in a PONG. */
    record Ping(byte[] payload) implements Frame {
        public Ping {
            payload = Checks.pingPayload(FrameType.PING, payload);
        }

        /** A PING carrying {@code value} as 8 big-endian bytes. */
        public static Ping of(long value) {
            return new Ping(longBytes(value));
        }

        /** The PONG that answers this PING. */
        public Pong reply() {
            return new Pong(payload);
        }

        /** A copy of the 8 bytes. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public FrameType type() {
            return FrameType.PING;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ping other && Arrays.equals(payload, other.payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Ping[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /** The answer to a PING, carrying the same 8 bytes. */
    record Pong(byte[] payload) implements Frame {
        public Pong {
            payload = Checks.pingPayload(FrameType.PONG, payload);
        }

        /** A copy of the 8 bytes. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public FrameType type() {
            return FrameType.PONG;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pong other && Arrays.equals(payload, other.payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Pong[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /**
     * The sender reports a fatal problem and then closes the connection. A received code this
     * version does not know is {@link ErrorCode#UNKNOWN}.
     */
    record Error(ErrorCode code, String message) implements Frame {
        public Error {
            if (code == null) {
                throw new IllegalArgumentException("field 'code' must not be null");
            }
            Checks.text("message", message, 0, Frames.MAX_TEXT_CHARS);
        }

        @Override
        public FrameType type() {
            return FrameType.ERROR;
        }
    }

    /** The sender ends the session; TLS close_notify follows. */
    record Close(String reason) implements Frame {
        public Close {
            Checks.text("reason", reason, 0, Frames.MAX_TEXT_CHARS);
        }

        @Override
        public FrameType type() {
            return FrameType.CLOSE;
        }
    }

    private static byte[] longBytes(long value) {
        byte[] b = new byte[Frames.PING_BYTES];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        return b;
    }
}
