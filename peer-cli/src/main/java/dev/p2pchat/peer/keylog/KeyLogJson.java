package dev.p2pchat.peer.keylog;

import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.Usernames;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key log's JSON (spec: issue 15) read as hostile input: one strict UTF-8 JSON object of at
 * most {@link #MAX_BYTES}, unique member names, numbers that are integers within a long and not
 * negative, hashes as exactly 64 lower-case hex characters, base64 in its one canonical form,
 * proofs of at most {@link Merkle#MAX_PROOF_HASHES} hashes, histories of at most
 * {@link #MAX_HISTORY} entries. Anything else is a {@link KeyLogException} naming the field;
 * never another exception. Unknown members are ignored (the API may grow).
 */
public final class KeyLogJson {

    /** No answer of the log comes near it (the directory's own bound on bodies is 1 MiB). */
    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_HISTORY = 100;
    /** A DER certificate of a P-256 key is about 400 bytes; 8 KiB of base64 is generous. */
    static final int MAX_CERTIFICATE_CHARS = 8192;
    /** An ECDSA P-256 signature in DER is at most 72 bytes, Ed25519 exactly 64. */
    static final int MAX_SIGNATURE_CHARS = 256;
    static final int MAX_PUBLIC_KEY_CHARS = 1024;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** An entry with the proof that it is in the tree of the head. */
    public record Proof(Entry entry, List<byte[]> inclusion, Head head) {
    }

    /** A user's key events, oldest first, proven in {@code head}. */
    public record History(Head head, List<Proof> entries, boolean truncated) {
    }

    /** The directory's log key as served at the well-known address. */
    public record PublishedKey(byte[] publicKey, String fingerprint) {
    }

    private KeyLogJson() {
    }

    /** The {@code keyLog} member of a lookup answer (also the answer of a rotation). */
    public static Proof proof(byte[] json) throws KeyLogException {
        return proof(object(json, "key log proof"), "keyLog");
    }

    public static Head head(byte[] json) throws KeyLogException {
        return head(object(json, "tree head"), "head");
    }

    /** A consistency answer, which must be for the sizes asked. */
    public static List<byte[]> consistency(byte[] json, long from, long to) throws KeyLogException {
        JsonNode node = object(json, "consistency proof");
        if (number(node, "from", "consistency") != from || number(node, "to", "consistency") != to) {
            throw bad("consistency proof for other sizes than " + from + " to " + to);
        }
        return hashes(node.get("proof"), "consistency.proof");
    }

    public static History history(byte[] json) throws KeyLogException {
        JsonNode node = object(json, "key history");
        Head head = head(required(node, "head", "history"), "history.head");
        JsonNode list = required(node, "entries", "history");
        if (!list.isArray()) {
            throw bad("history.entries that is not a list");
        }
        if (list.size() > MAX_HISTORY) {
            throw bad("a history of " + list.size() + " entries (at most " + MAX_HISTORY + ")");
        }
        List<Proof> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (item == null || !item.isObject()) {
                throw bad("history.entries[" + i + "] that is not an object");
            }
            String where = "history.entries[" + i + "]";
            entries.add(new Proof(entry(required(item, "entry", where), where + ".entry"),
                    hashes(item.get("inclusion"), where + ".inclusion"), head));
        }
        JsonNode truncated = node.get("truncated");
        if (truncated != null && !truncated.isNull() && !truncated.isBoolean()) {
            throw bad("history.truncated that is not true or false");
        }
        return new History(head, List.copyOf(entries), truncated != null && truncated.booleanValue());
    }

    /** The well-known log key: Ed25519, SubjectPublicKeyInfo in base64, its SHA-256 as fingerprint. */
    public static PublishedKey logKey(byte[] json) throws KeyLogException {
        JsonNode node = object(json, "log key");
        if (!"Ed25519".equals(string(node, "algorithm", "log key", 16))) {
            throw bad("a log key that is not Ed25519");
        }
        byte[] key = base64(node, "publicKey", "log key", MAX_PUBLIC_KEY_CHARS);
        String fingerprint = hex(node, "fingerprint", "log key");
        return new PublishedKey(key, fingerprint);
    }

    /** A head from a HELLO: the same shape as the directory's, and the log key's fingerprint. */
    public static Head head(JsonNode node, String where) throws KeyLogException {
        if (node == null || !node.isObject()) {
            throw bad(where + " that is not an object");
        }
        long size = number(node, "size", where);
        String root = hex(node, "rootHash", where);
        long timestamp = number(node, "timestamp", where);
        String signature = base64Text(node, "signature", where, MAX_SIGNATURE_CHARS);
        return new Head(size, root, timestamp, signature);
    }

    static Proof proof(JsonNode node, String where) throws KeyLogException {
        Entry entry = entry(required(node, "entry", where), where + ".entry");
        List<byte[]> inclusion = hashes(node.get("inclusion"), where + ".inclusion");
        Head head = head(required(node, "head", where), where + ".head");
        return new Proof(entry, inclusion, head);
    }

    static Entry entry(JsonNode node, String where) throws KeyLogException {
        if (!node.isObject()) {
            throw bad(where + " that is not an object");
        }
        long index = number(node, "index", where);
        String username = string(node, "username", where, 32);
        if (!Usernames.isValid(username) || !username.equals(username.toLowerCase(Locale.ROOT))) {
            throw bad(where + ".username that is not a lower-case username");
        }
        Entry.Kind kind = Entry.Kind.fromWire(string(node, "kind", where, 16));
        if (kind == null) {
            throw bad(where + ".kind that is not first, rotation or reset");
        }
        String fingerprint = hex(node, "fingerprint", where);
        String previous = optional(node, "previous") ? null : hex(node, "previous", where);
        long time = number(node, "time", where);
        String certificate = optional(node, "certificate") ? null
                : base64Text(node, "certificate", where, MAX_CERTIFICATE_CHARS);
        String signature = optional(node, "signature") ? null
                : base64Text(node, "signature", where, MAX_SIGNATURE_CHARS);
        switch (kind) {
            case FIRST -> {
                if (previous != null || certificate != null || signature != null) {
                    throw bad(where + ": a first key with a previous key, certificate or signature");
                }
            }
            case ROTATION -> {
                if (previous == null || certificate == null || signature == null) {
                    throw bad(where + ": a rotation without its previous key, certificate and signature");
                }
            }
            case RESET -> {
                if (previous == null || certificate != null || signature != null) {
                    throw bad(where + ": a reset without its previous key, or with a certificate or signature");
                }
            }
        }
        if (fingerprint.equals(previous)) {
            throw bad(where + ": a key event whose new key is the previous one");
        }
        return new Entry(index, username, kind, fingerprint, previous, time, certificate, signature);
    }

    static List<byte[]> hashes(JsonNode node, String where) throws KeyLogException {
        if (node == null || !node.isArray()) {
            throw bad(where + " that is not a list of hashes");
        }
        if (node.size() > Merkle.MAX_PROOF_HASHES) {
            throw bad(where + " of " + node.size() + " hashes (at most " + Merkle.MAX_PROOF_HASHES + ")");
        }
        List<byte[]> hashes = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item == null || !item.isString() || !Fingerprints.isValid(item.stringValue())) {
                throw bad(where + "[" + i + "] that is not 64 lower-case hex characters");
            }
            hashes.add(Merkle.HEX.parseHex(item.stringValue()));
        }
        return List.copyOf(hashes);
    }

    // ------------------------------------------------------------------ fields

    static JsonNode object(byte[] json, String what) throws KeyLogException {
        if (json == null) {
            throw bad("no " + what);
        }
        if (json.length > MAX_BYTES) {
            throw bad("a " + what + " over " + MAX_BYTES / 1024 + " KiB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw bad("a " + what + " that is not UTF-8");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw bad("a " + what + " that is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw bad("a " + what + " that is not a JSON object");
        }
        return node;
    }

    private static JsonNode required(JsonNode node, String field, String where) throws KeyLogException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw bad(where + " without " + field);
        }
        return value;
    }

    private static boolean optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull();
    }

    private static long number(JsonNode node, String field, String where) throws KeyLogException {
        JsonNode value = required(node, field, where);
        if (!(value.isInt() || value.isLong()) || value.longValue() < 0) {
            throw bad(where + "." + field + " that is not a whole number from 0 to " + Long.MAX_VALUE);
        }
        return value.longValue();
    }

    private static String string(JsonNode node, String field, String where, int max) throws KeyLogException {
        JsonNode value = required(node, field, where);
        if (!value.isString() || value.stringValue().length() > max) {
            throw bad(where + "." + field + " that is not a string of at most " + max + " characters");
        }
        return value.stringValue();
    }

    private static String hex(JsonNode node, String field, String where) throws KeyLogException {
        JsonNode value = required(node, field, where);
        if (!value.isString() || !Fingerprints.isValid(value.stringValue())) {
            throw bad(where + "." + field + " that is not 64 lower-case hex characters");
        }
        return value.stringValue();
    }

    private static String base64Text(JsonNode node, String field, String where, int max)
            throws KeyLogException {
        String text = string(node, field, where, max);
        decodeCanonical(text, where + "." + field);
        return text;
    }

    private static byte[] base64(JsonNode node, String field, String where, int max)
            throws KeyLogException {
        return decodeCanonical(string(node, field, where, max), where + "." + field);
    }

    /** Standard base64 with padding, in the one form that encodes back to the same text. */
    static byte[] decodeCanonical(String text, String where) throws KeyLogException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw bad(where + " that is not base64");
        }
        if (bytes.length == 0 || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw bad(where + " that is not canonical base64");
        }
        return bytes;
    }

    private static KeyLogException bad(String what) {
        return new KeyLogException("key log: the directory sent " + what);
    }
}
