package dev.p2pchat.peer.keylog;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A key log built by the tests, apart from the code under test: entries, the RFC 9162 tree by
 * its recursive definitions, proofs, heads signed with an Ed25519 key, and the directory API's
 * JSON shapes. A lying directory is this log with a lie in it.
 */
public final class TestLog {

    private static final HexFormat HEX = HexFormat.of();

    private final KeyPair key;
    private final List<String[]> entries = new ArrayList<>(); // index, username, kind, fp, previous, time, cert, sig
    private long time = 1_764_000_000_000L;

    public TestLog() {
        this(newKey());
    }

    private TestLog(KeyPair key) {
        this.key = key;
    }

    public static KeyPair newKey() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another log (another history) signed by the same key: a fork. */
    public TestLog sameKey() {
        TestLog other = new TestLog(key);
        for (String[] entry : entries) {
            other.entries.add(entry.clone());
        }
        other.time = time;
        return other;
    }

    /** An empty log signed by {@code other}'s key. */
    public TestLog sameKeyAs(TestLog other) {
        TestLog log = new TestLog(other.key);
        log.time = other.time;
        return log;
    }

    /** The same entries signed by another key. */
    public TestLog otherKey() {
        TestLog other = new TestLog(newKey());
        for (String[] entry : entries) {
            other.entries.add(entry.clone());
        }
        other.time = time;
        return other;
    }

    public int size() {
        return entries.size();
    }

    public TestLog first(String username, String fingerprint) {
        add(username, "first", fingerprint, null, null, null);
        return this;
    }

    public TestLog reset(String username, String fingerprint) {
        add(username, "reset", fingerprint, latest(username)[3], null, null);
        return this;
    }

    /** A rotation signed by the old key, the old certificate with it. */
    public TestLog rotation(String username, PrivateKey oldKey, X509Certificate oldCertificate, String fingerprint) {
        String previous = latest(username)[3];
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(oldKey);
            signer.update(("p2pchat-key-rotation/1\n" + username + "\n" + previous + "\n" + fingerprint + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            add(username, "rotation", fingerprint, previous, Base64.getEncoder().encodeToString(oldCertificate.getEncoded()),
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** A rotation as a client sent it (the directory's checks are not this log's business). */
    public TestLog rotationAsSent(String username, String fingerprint, String certificate, String signature) {
        add(username, "rotation", fingerprint, latest(username)[3], certificate, signature);
        return this;
    }

    /** Rewrites entry {@code index}'s fingerprint, as a directory that changes history would. */
    public TestLog rewrite(int index, String fingerprint) {
        entries.get(index)[3] = fingerprint;
        return this;
    }

    private void add(String username, String kind, String fingerprint, String previous, String certificate,
                     String signature) {
        entries.add(new String[] {Integer.toString(entries.size()), username.toLowerCase(Locale.ROOT), kind, fingerprint,
                previous, Long.toString(time += 1000), certificate, signature});
    }

    private String[] latest(String username) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i)[1].equals(username)) {
                return entries.get(i);
            }
        }
        throw new IllegalStateException("no entry for " + username);
    }

    private int latestIndex(String username) {
        return Integer.parseInt(latest(username)[0]);
    }

    // ---------------------------------------------------------------- the tree

    private byte[] leaf(int i) {
        String[] e = entries.get(i);
        String text = "p2pchat-key-log-entry/1\n" + e[0] + "\n" + e[1] + "\n" + e[2] + "\n" + e[3] + "\n"
                + (e[4] == null ? "" : e[4]) + "\n" + e[5] + "\n" + (e[6] == null ? "" : e[6]) + "\n"
                + (e[7] == null ? "" : e[7]) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int k(int n) {
        int k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
        return k;
    }

    private byte[] mth(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return sha();
        }
        if (n == 1) {
            return sha(new byte[] {0}, leaf(from));
        }
        int k = k(n);
        return sha(new byte[] {1}, mth(from, from + k), mth(from + k, to));
    }

    private List<byte[]> path(int m, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        int n = to - from;
        if (n <= 1) {
            return out;
        }
        int k = k(n);
        if (m < k) {
            out.addAll(path(m, from, from + k));
            out.add(mth(from + k, to));
        } else {
            out.addAll(path(m - k, from + k, to));
            out.add(mth(from, from + k));
        }
        return out;
    }

    private List<byte[]> subproof(int m, int from, int to, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = to - from;
        if (m == n) {
            if (!b) {
                out.add(mth(from, to));
            }
            return out;
        }
        int k = k(n);
        if (m <= k) {
            out.addAll(subproof(m, from, from + k, b));
            out.add(mth(from + k, to));
        } else {
            out.addAll(subproof(m - k, from + k, to, false));
            out.add(mth(from, from + k));
        }
        return out;
    }

    // ---------------------------------------------------------------- JSON as the directory serves it

    public String fingerprint() {
        return HEX.formatHex(sha(key.getPublic().getEncoded()));
    }

    public String wellKnown() {
        return "{\"algorithm\":\"Ed25519\",\"publicKey\":\"" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded())
                + "\",\"fingerprint\":\"" + fingerprint() + "\"}";
    }

    public String rootHash() {
        return HEX.formatHex(mth(0, entries.size()));
    }

    public String head() {
        return head(entries.size());
    }

    private String head(int size) {
        String root = HEX.formatHex(mth(0, size));
        long timestamp = time + 500;
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key.getPrivate());
            signer.update(("p2pchat-tree-head/1\n" + size + "\n" + root + "\n" + timestamp + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            return "{\"size\":" + size + ",\"rootHash\":\"" + root + "\",\"timestamp\":" + timestamp + ",\"signature\":\""
                    + Base64.getEncoder().encodeToString(signer.sign()) + "\"}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String entry(int i) {
        String[] e = entries.get(i);
        return "{\"index\":" + e[0] + ",\"username\":\"" + e[1] + "\",\"kind\":\"" + e[2] + "\",\"fingerprint\":\"" + e[3]
                + "\",\"previous\":" + quoted(e[4]) + ",\"time\":" + e[5] + ",\"certificate\":" + quoted(e[6])
                + ",\"signature\":" + quoted(e[7]) + "}";
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static String hashes(List<byte[]> list) {
        List<String> quoted = new ArrayList<>();
        for (byte[] hash : list) {
            quoted.add("\"" + HEX.formatHex(hash) + "\"");
        }
        return "[" + String.join(",", quoted) + "]";
    }

    /** The keyLog member of a lookup of {@code username}: its latest entry, proven in the current head. */
    public String proof(String username) {
        int i = latestIndex(username);
        return "{\"entry\":" + entry(i) + ",\"inclusion\":" + hashes(path(i, 0, entries.size())) + ",\"head\":" + head()
                + "}";
    }

    /** A lookup answer as the directory serves it. */
    public String lookup(String username, String fingerprint, String host, int port) {
        return "{\"username\":\"" + username + "\",\"online\":true,\"host\":\"" + host + "\",\"port\":" + port
                + ",\"fingerprint\":\"" + fingerprint + "\",\"lastSeen\":\"2026-11-29T10:00:00Z\",\"keyLog\":"
                + proof(username) + "}";
    }

    public String consistency(int from, int to) {
        return "{\"from\":" + from + ",\"to\":" + to + ",\"proof\":" + hashes(subproof(from, 0, to, true)) + "}";
    }

    public String history(String username) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i)[1].equals(username)) {
                items.add("{\"entry\":" + entry(i) + ",\"inclusion\":" + hashes(path(i, 0, entries.size())) + "}");
            }
        }
        return "{\"head\":" + head() + ",\"entries\":[" + String.join(",", items) + "]}";
    }
}
