package dev.p2pchat.peer.keylog;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verifier against a reference tree written here from RFC 9162's recursive definitions
 * (MTH, PATH, PROOF/SUBPROOF in 2.1.1, 2.1.3.1, 2.1.4.1), and against the roots of the
 * RFC 6962 test data used by Certificate Transparency implementations.
 */
class MerkleTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The eight leaves of the CT test data. */
    private static final String[] CT_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};
    private static final String[] CT_ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    // ---------------------------------------------------------------- reference tree (RFC 9162 2.1)

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }

    /** The largest power of two smaller than n (n > 1). */
    private static int k(int n) {
        int k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
        return k;
    }

    private static byte[] mth(List<byte[]> d) throws Exception {
        if (d.isEmpty()) {
            return sha256();
        }
        if (d.size() == 1) {
            return sha256(new byte[] {0}, d.get(0));
        }
        int k = k(d.size());
        return sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    private static List<byte[]> path(int m, List<byte[]> d) throws Exception {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = k(d.size());
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> proof(int m, List<byte[]> d) throws Exception {
        return subproof(m, d, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) throws Exception {
        List<byte[]> out = new ArrayList<>();
        int n = d.size();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = k(n);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.add(("leaf " + i).getBytes());
        }
        return d;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void emptyTreeAndLeafAndNodeHashesAreRfc9162s() throws Exception {
        assertThat(HEX.formatHex(Merkle.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Merkle.leafHash(new byte[0])).isEqualTo(sha256(new byte[] {0}));
        assertThat(Merkle.nodeHash(new byte[] {7}, new byte[] {9})).isEqualTo(sha256(new byte[] {1, 7, 9}));
    }

    @Test
    void referenceTreeGivesTheCertificateTransparencyRoots() throws Exception {
        List<byte[]> d = new ArrayList<>();
        for (String leaf : CT_LEAVES) {
            d.add(HEX.parseHex(leaf));
        }
        for (int n = 1; n <= d.size(); n++) {
            assertThat(HEX.formatHex(mth(d.subList(0, n)))).as("root of %d", n).isEqualTo(CT_ROOTS[n - 1]);
        }
    }

    @Test
    void everyInclusionProofOfTreesUpTo40LeavesVerifies() throws Exception {
        for (int n = 1; n <= 40; n++) {
            List<byte[]> d = leaves(n);
            byte[] root = mth(d);
            for (int m = 0; m < n; m++) {
                byte[] leaf = Merkle.leafHash(d.get(m));
                List<byte[]> path = path(m, d);
                assertThat(Merkle.verifyInclusion(m, n, leaf, path, root)).as("leaf %d of %d", m, n).isTrue();
                // the same proof must fail for another index, size, leaf or root, or with a hash changed
                assertThat(Merkle.verifyInclusion(m, n, Merkle.leafHash(("x" + m).getBytes()), path, root)).isFalse();
                assertThat(Merkle.verifyInclusion(m, n, leaf, path, Merkle.emptyRoot())).isFalse();
                if (n > 1) {
                    assertThat(Merkle.verifyInclusion((m + 1) % n, n, leaf, path, root)).isFalse();
                    List<byte[]> flipped = new ArrayList<>(path);
                    byte[] changed = flipped.get(0).clone();
                    changed[31] ^= 1;
                    flipped.set(0, changed);
                    assertThat(Merkle.verifyInclusion(m, n, leaf, flipped, root)).isFalse();
                    assertThat(Merkle.verifyInclusion(m, n, leaf, path.subList(0, path.size() - 1), root)).isFalse();
                }
                List<byte[]> longer = new ArrayList<>(path);
                longer.add(root);
                assertThat(Merkle.verifyInclusion(m, n, leaf, longer, root)).isFalse();
            }
        }
    }

    @Test
    void everyConsistencyProofOfTreesUpTo40LeavesVerifies() throws Exception {
        List<byte[]> all = leaves(40);
        for (int n = 1; n <= 40; n++) {
            List<byte[]> d = all.subList(0, n);
            byte[] second = mth(d);
            for (int m = 1; m <= n; m++) {
                byte[] first = mth(d.subList(0, m));
                List<byte[]> proof = proof(m, d);
                assertThat(Merkle.verifyConsistency(m, n, first, second, proof)).as("%d to %d", m, n).isTrue();
                if (m < n) {
                    // a rewritten old leaf: another first root
                    List<byte[]> rewritten = new ArrayList<>(d.subList(0, m));
                    rewritten.set(0, "rewritten".getBytes());
                    assertThat(Merkle.verifyConsistency(m, n, mth(rewritten), second, proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, first, Merkle.emptyRoot(), proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, first, second, List.of())).isFalse();
                    List<byte[]> flipped = new ArrayList<>(proof);
                    byte[] changed = flipped.get(flipped.size() - 1).clone();
                    changed[0] ^= 0x80;
                    flipped.set(flipped.size() - 1, changed);
                    assertThat(Merkle.verifyConsistency(m, n, first, second, flipped)).isFalse();
                } else {
                    assertThat(proof).isEmpty();
                    assertThat(Merkle.verifyConsistency(m, n, first, Merkle.emptyRoot(), proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, first, second, List.of(first))).isFalse();
                }
            }
        }
    }

    @Test
    void impossibleSizesAndOverlongProofsAreRefused() throws Exception {
        byte[] leaf = Merkle.leafHash(new byte[0]);
        List<byte[]> tooLong = new ArrayList<>(Arrays.asList(new byte[65][]));
        tooLong.replaceAll(x -> new byte[32]);
        assertThat(Merkle.verifyInclusion(0, 0, leaf, List.of(), leaf)).isFalse();
        assertThat(Merkle.verifyInclusion(-1, 5, leaf, List.of(), leaf)).isFalse();
        assertThat(Merkle.verifyInclusion(5, 5, leaf, List.of(), leaf)).isFalse();
        assertThat(Merkle.verifyInclusion(0, Long.MAX_VALUE, leaf, tooLong, leaf)).isFalse();
        assertThat(Merkle.verifyInclusion(0, 1, leaf, List.of(), leaf)).isTrue();
        assertThat(Merkle.verifyConsistency(0, 3, leaf, leaf, List.of())).isFalse();
        assertThat(Merkle.verifyConsistency(4, 3, leaf, leaf, List.of())).isFalse();
        assertThat(Merkle.verifyConsistency(1, Long.MAX_VALUE, leaf, leaf, tooLong)).isFalse();
    }
}
