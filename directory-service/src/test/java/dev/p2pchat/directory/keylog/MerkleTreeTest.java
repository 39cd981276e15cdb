package dev.p2pchat.directory.keylog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree against a naive reference written here from RFC 9162's recursive definitions (lists
 * of leaves, hashing everything every time), against roots computed apart with Python's hashlib,
 * and with every proof checked by the verification algorithms of RFC 9162 2.1.3.2 and 2.1.4.2
 * ({@link Rfc9162}, written for the tests).
 */
class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] leaf(int i) {
        return ("leaf " + i).getBytes(StandardCharsets.UTF_8);
    }

    private static MerkleTree tree(int n) {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < n; i++) {
            tree.append(i, MerkleTree.leafHash(leaf(i)));
        }
        return tree;
    }

    // --- the naive reference -------------------------------------------------------------

    private static byte[] sha256(byte[]... parts) {
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

    private static int split(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    private static byte[] mth(List<byte[]> d) {
        if (d.isEmpty()) {
            return sha256();
        }
        if (d.size() == 1) {
            return sha256(new byte[] {0}, d.get(0));
        }
        int k = split(d.size());
        return sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    private static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = split(d.size());
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = d.size();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = split(n);
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
            d.add(leaf(i));
        }
        return d;
    }

    // --- the tests ---------------------------------------------------------------------------

    @Test
    void theEmptyTreeIsTheHashOfNothing() {
        MerkleTree.Snapshot empty = new MerkleTree().snapshot();
        assertThat(empty.size()).isZero();
        assertThat(HEX.formatHex(empty.root(0)))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rootsMatchOnesComputedApart() {
        MerkleTree.Snapshot tree = tree(7).snapshot();
        assertThat(HEX.formatHex(tree.root(1))).isEqualTo("1bb97dcc21635d47e2663efdfd0a174686d98dd701352dd2cd06e8b43fd3d305");
        assertThat(HEX.formatHex(tree.root(2))).isEqualTo("fc5f6b88ff8554f75bb2f9e6f39c31b1936d44b69276edf7b1205a955b9761e3");
        assertThat(HEX.formatHex(tree.root(3))).isEqualTo("d4f92c8fbb89720eb3b55677c7d7efaddfeb10d11a1a84a0ba8f1a23337faa95");
        assertThat(HEX.formatHex(tree.root(7))).isEqualTo("5a61fc2b54f9cfa71774f2432143dd40c6cb2b11947faf65a7d3da5cb65199c8");
    }

    @Test
    void rootsOfEverySizeUpTo70MatchTheReference() {
        MerkleTree.Snapshot tree = tree(70).snapshot();
        List<byte[]> d = leaves(70);
        for (int n = 0; n <= 70; n++) {
            assertThat(tree.root(n)).as("size %d", n).isEqualTo(mth(d.subList(0, n)));
        }
    }

    @Test
    void anOldSnapshotKeepsItsRootWhileTheTreeGrows() {
        MerkleTree tree = tree(5);
        MerkleTree.Snapshot five = tree.snapshot();
        byte[] root = five.root(5);
        for (int i = 5; i < 300; i++) {
            tree.append(i, MerkleTree.leafHash(leaf(i)));
        }
        assertThat(five.root(5)).isEqualTo(root);
        assertThat(five.size()).isEqualTo(5);
        assertThatThrownBy(() -> five.root(6)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.snapshot().root(300)).isEqualTo(mth(leaves(300)));
    }

    @Test
    void everyInclusionProofEqualsTheReferenceAndVerifies() {
        MerkleTree.Snapshot tree = tree(70).snapshot();
        List<byte[]> d = leaves(70);
        for (int n = 1; n <= 70; n++) {
            byte[] root = mth(d.subList(0, n));
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = tree.inclusion(m, n);
                assertThat(proof).as("leaf %d of %d", m, n).containsExactlyElementsOf(path(m, d.subList(0, n)));
                assertThat(Rfc9162.verifyInclusion(m, n, MerkleTree.leafHash(leaf(m)), proof, root))
                        .as("leaf %d of %d verifies", m, n).isTrue();
                assertThat(Rfc9162.verifyInclusion(m, n, MerkleTree.leafHash(leaf(m + 1)), proof, root))
                        .as("another leaf does not").isFalse();
            }
        }
    }

    @Test
    void everyConsistencyProofEqualsTheReferenceAndVerifies() {
        MerkleTree.Snapshot tree = tree(70).snapshot();
        List<byte[]> d = leaves(70);
        for (int n = 1; n <= 70; n++) {
            byte[] second = mth(d.subList(0, n));
            for (int m = 1; m <= n; m++) {
                byte[] first = mth(d.subList(0, m));
                List<byte[]> proof = tree.consistency(m, n);
                assertThat(proof).as("%d to %d", m, n).containsExactlyElementsOf(subproof(m, d.subList(0, n), true));
                assertThat(Rfc9162.verifyConsistency(m, n, first, second, proof)).as("%d to %d verifies", m, n).isTrue();
                if (m < n) {
                    byte[] forged = second.clone();
                    forged[0] ^= 1;
                    assertThat(Rfc9162.verifyConsistency(m, n, first, forged, proof)).as("another root does not").isFalse();
                }
            }
        }
    }

    @Test
    void aTreeWithAnOldLeafRewrittenIsNotConsistentWithTheOriginal() {
        MerkleTree honest = tree(20);
        MerkleTree rewritten = new MerkleTree();
        for (int i = 0; i < 30; i++) {
            rewritten.append(i, MerkleTree.leafHash(leaf(i == 3 ? 1000 : i)));
        }
        byte[] first = honest.snapshot().root(20);
        MerkleTree.Snapshot fork = rewritten.snapshot();
        assertThat(Rfc9162.verifyConsistency(20, 30, first, fork.root(30), fork.consistency(20, 30))).isFalse();
    }

    @Test
    void proofsOutsideTheTreeAreRefused() {
        MerkleTree.Snapshot tree = tree(4).snapshot();
        assertThatThrownBy(() -> tree.inclusion(4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.inclusion(0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.consistency(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.consistency(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerkleTree().append(1, new byte[32])).isInstanceOf(IllegalStateException.class);
    }
}
