package dev.p2pchat.directory.keylog;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The proof verifiers of RFC 9162 (2.1.3.2 inclusion, 2.1.4.2 consistency), written from the
 * RFC's text for the tests, apart from the code that makes the proofs.
 */
public final class Rfc9162 {

    private Rfc9162() {
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leaf) {
        return sha256(new byte[] {0}, leaf);
    }

    /** RFC 9162 2.1.3.2. */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path,
                                           byte[] root) {
        if (leafIndex >= treeSize) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sha256(new byte[] {1}, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = sha256(new byte[] {1}, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 2.1.4.2. */
    public static boolean verifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash,
                                             List<byte[]> proof) {
        if (first > second || first < 1) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && Arrays.equals(firstHash, secondHash);
        }
        List<byte[]> c = new ArrayList<>(proof);
        if (c.isEmpty()) {
            return false;
        }
        if (Long.bitCount(first) == 1) {
            c.add(0, firstHash);
        }
        long fn = first - 1;
        long sn = second - 1;
        if ((fn & 1) == 1) {
            while ((fn & 1) == 1) {
                fn >>= 1;
                sn >>= 1;
            }
        }
        byte[] fr = c.get(0);
        byte[] sr = c.get(0);
        for (byte[] ci : c.subList(1, c.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = sha256(new byte[] {1}, ci, fr);
                sr = sha256(new byte[] {1}, ci, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = sha256(new byte[] {1}, sr, ci);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, firstHash) && Arrays.equals(sr, secondHash);
    }
}
