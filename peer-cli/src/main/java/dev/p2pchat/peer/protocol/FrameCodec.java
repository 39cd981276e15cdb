package dev.p2pchat.peer.protocol;

import dev.p2pchat.peer.protocol.Frame.Chat;
import dev.p2pchat.peer.protocol.Frame.Close;
import dev.p2pchat.peer.protocol.Frame.FileAccept;
import dev.p2pchat.peer.protocol.Frame.FileData;
import dev.p2pchat.peer.protocol.Frame.FileEnd;
import dev.p2pchat.peer.protocol.Frame.FileOffer;
import dev.p2pchat.peer.protocol.Frame.FileReject;
import dev.p2pchat.peer.protocol.Frame.FileResult;
import dev.p2pchat.peer.protocol.Frame.Hello;
import dev.p2pchat.peer.protocol.Frame.Ping;
import dev.p2pchat.peer.protocol.Frame.Pong;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The payload format of every frame type: the one place that maps a {@link FrameType} to its
 * decoding and its encoding. Both switches are exhaustive switch expressions, so a new type
 * does not compile until it has both. Headers are the business of {@link FrameReader} and
 * {@link FrameWriter}.
 */
final class FrameCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private FrameCodec() {
    }

    /**
     * Decodes the payload {@code buf[0 .. length)} of a frame of {@code type}. A FILE_DATA frame
     * is returned as a view over {@code buf}.
     */
    static Frame decode(FrameType type, byte[] buf, int length) throws ProtocolException {
        return switch (type) {
            case HELLO -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                JsonFields head = f.optionalObject("logHead");
                yield f.build(() -> new Hello((int) f.integer("version", 1, Integer.MAX_VALUE),
                        f.string("username"), f.string("client"), head == null ? null : new Frame.LogHead(
                                head.string("logKey"), head.nonNegative("size"), head.string("rootHash"),
                                head.nonNegative("timestamp"), head.string("signature")),
                        (int) f.optionalInteger("files", 0, Frames.MAX_FILES_AT_ONCE)));
            }
            case CHAT -> decodeChat(buf, length);
            case FILE_OFFER -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new FileOffer(f.id(), f.string("name"), f.nonNegative("size"),
                        f.optionalString("path"), f.optionalBool("folder")));
            }
            case FILE_ACCEPT -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new FileAccept(f.id(), f.nonNegative("offset"), f.optionalString("prefixSha256")));
            }
            case FILE_REJECT -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new FileReject(f.id(), f.string("reason")));
            }
            case FILE_DATA -> decodeFileData(buf, length);
            case FILE_END -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new FileEnd(f.id(), f.string("sha256")));
            }
            case FILE_RESULT -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new FileResult(f.id(), f.bool("ok"), f.string("sha256")));
            }
            case PING -> new Ping(pingPayload(type, buf, length));
            case PONG -> new Pong(pingPayload(type, buf, length));
            case ERROR -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new Frame.Error(ErrorCode.fromWire(f.string("code")), f.string("message")));
            }
            case CLOSE -> {
                JsonFields f = JsonFields.parse(type, buf, length);
                yield f.build(() -> new Close(f.string("reason")));
            }
        };
    }

    /**
     * The payload of {@code frame}. FILE_DATA is not encoded here: {@link FrameWriter} writes
     * it straight from the frame's buffer, without a copy.
     */
    static byte[] encode(Frame frame) {
        return switch (frame.type()) {
            case HELLO -> {
                Hello h = (Hello) frame;
                ObjectNode node = object().put("version", h.version()).put("username", h.username())
                        .put("client", h.client());
                if (h.logHead() != null) {
                    Frame.LogHead l = h.logHead();
                    node.putObject("logHead").put("logKey", l.logKey()).put("size", l.size()).put("rootHash", l.rootHash())
                            .put("timestamp", l.timestamp()).put("signature", l.signature());
                }
                if (h.files() > 0) {
                    node.put("files", h.files());
                }
                yield json(node);
            }
            case CHAT -> ((Chat) frame).text().getBytes(StandardCharsets.UTF_8);
            case FILE_OFFER -> {
                FileOffer o = (FileOffer) frame;
                ObjectNode node = object().put("id", o.id()).put("name", o.name()).put("size", o.size());
                if (o.path() != null) {
                    node.put("path", o.path());
                }
                if (o.folder()) {
                    node.put("folder", true);
                }
                yield json(node);
            }
            case FILE_ACCEPT -> {
                FileAccept a = (FileAccept) frame;
                ObjectNode node = object().put("id", a.id()).put("offset", a.offset());
                if (a.prefixSha256() != null) {
                    node.put("prefixSha256", a.prefixSha256());
                }
                yield json(node);
            }
            case FILE_REJECT -> {
                FileReject r = (FileReject) frame;
                yield json(object().put("id", r.id()).put("reason", r.reason()));
            }
            case FILE_DATA -> throw new IllegalStateException("FILE_DATA is written by FrameWriter, not encoded");
            case FILE_END -> {
                FileEnd e = (FileEnd) frame;
                yield json(object().put("id", e.id()).put("sha256", e.sha256()));
            }
            case FILE_RESULT -> {
                FileResult r = (FileResult) frame;
                yield json(object().put("id", r.id()).put("ok", r.ok()).put("sha256", r.sha256()));
            }
            case PING -> ((Ping) frame).payload();
            case PONG -> ((Pong) frame).payload();
            case ERROR -> {
                Frame.Error e = (Frame.Error) frame;
                yield json(object().put("code", e.code().wire()).put("message", e.message()));
            }
            case CLOSE -> json(object().put("reason", ((Close) frame).reason()));
        };
    }

    private static Chat decodeChat(byte[] buf, int length) throws ProtocolException {
        if (length == 0) {
            throw new ProtocolException("empty CHAT");
        }
        return new Chat(strictUtf8(buf, length, "CHAT text is not valid UTF-8"));
    }

    private static FileData decodeFileData(byte[] buf, int length) throws ProtocolException {
        if (length < 4) {
            throw new ProtocolException("FILE_DATA frame shorter than its 4-byte id");
        }
        long id = (buf[0] & 0xffL) << 24 | (buf[1] & 0xffL) << 16 | (buf[2] & 0xffL) << 8 | (buf[3] & 0xffL);
        return new FileData(id, buf, 4, length - 4);
    }

    private static byte[] pingPayload(FrameType type, byte[] buf, int length) throws ProtocolException {
        if (length != Frames.PING_BYTES) {
            throw new ProtocolException(Checks.pingLengthMessage(type, length));
        }
        return Arrays.copyOf(buf, length);
    }

    /** Decodes UTF-8, failing on malformed input instead of replacing it. */
    private static String strictUtf8(byte[] buf, int length, String failure) throws ProtocolException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(failure);
        }
    }

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static byte[] json(ObjectNode node) {
        return JSON.writeValueAsBytes(node);
    }

    /** Builds a record from JSON fields; a field that fails its check is a ProtocolException. */
    @FunctionalInterface
    private interface FrameBuilder {
        Frame build() throws ProtocolException;
    }

    /** The fields of one JSON payload, with exact messages for missing and ill-typed ones. */
    private static final class JsonFields {
        private final FrameType type;
        private final JsonNode object;

        private JsonFields(FrameType type, JsonNode object) {
            this.type = type;
            this.object = object;
        }

        /**
         * Parses a payload that must be one JSON object in UTF-8 (unique member names, nothing
         * after it). Unknown members are ignored, for forward compatibility.
         */
        static JsonFields parse(FrameType type, byte[] buf, int length) throws ProtocolException {
            String notJson = "bad " + type + " payload: not JSON";
            // decode first, strictly: Jackson would also accept UTF-16 and UTF-32 input
            String text = strictUtf8(buf, length, notJson);
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JacksonException e) {
                throw new ProtocolException(notJson);
            }
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException(notJson);
            }
            if (!node.isObject()) {
                throw new ProtocolException("bad " + type + " payload: not a JSON object");
            }
            return new JsonFields(type, node);
        }

        Frame build(FrameBuilder builder) throws ProtocolException {
            try {
                return builder.build();
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        ProtocolException bad(String detail) {
            return new ProtocolException("bad " + type + " payload: " + detail);
        }

        /** A present, non-null member. */
        private JsonNode required(String field) throws ProtocolException {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                throw bad("missing field '" + field + "'");
            }
            return node;
        }

        String string(String field) throws ProtocolException {
            JsonNode node = required(field);
            if (!node.isString()) {
                throw bad("field '" + field + "' must be a string");
            }
            return node.stringValue();
        }

        /** A string member that may be absent or null (both give null). */
        String optionalString(String field) throws ProtocolException {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            return string(field);
        }

        /** An object member that may be absent or null (both give null), read with the same rules. */
        JsonFields optionalObject(String field) throws ProtocolException {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw bad("field '" + field + "' must be an object");
            }
            return new JsonFields(type, node);
        }

        /** A boolean member that may be absent or null (both give false). */
        boolean optionalBool(String field) throws ProtocolException {
            JsonNode node = object.get(field);
            return node != null && !node.isNull() && bool(field);
        }

        boolean bool(String field) throws ProtocolException {
            JsonNode node = required(field);
            if (!node.isBoolean()) {
                throw bad("field '" + field + "' must be a boolean");
            }
            return node.booleanValue();
        }

        /** An integer member in {@code min..max} that may be absent or null (both give 0). */
        long optionalInteger(String field, long min, long max) throws ProtocolException {
            JsonNode node = object.get(field);
            return node == null || node.isNull() ? 0 : integer(field, min, max);
        }

        /** An integer member in {@code min..max}; {@code 5.0} or {@code "5"} is not an integer. */
        long integer(String field, long min, long max) throws ProtocolException {
            JsonNode node = required(field);
            if (!node.isIntegralNumber()) {
                throw bad("field '" + field + "' must be an integer");
            }
            if (!node.canConvertToLong()) {
                throw bad(Checks.rangeMessage(field, node.bigIntegerValue().toString(), min, max));
            }
            long value = node.longValue();
            if (value < min || value > max) {
                throw bad(Checks.rangeMessage(field, Long.toString(value), min, max));
            }
            return value;
        }

        long id() throws ProtocolException {
            return integer("id", 0, Frames.MAX_ID);
        }

        long nonNegative(String field) throws ProtocolException {
            return integer(field, 0, Long.MAX_VALUE);
        }
    }
}
