package dev.p2pchat.directory.keylog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An append-only Merkle tree as RFC 9162 section 2.1 defines it: leaf hash
 * {@code SHA-256(0x00 || leaf)}, node hash {@code SHA-256(0x01 || left || right)}, the empty tree
 * {@code SHA-256("")}; roots, inclusion proofs (2.1.3) and consistency proofs (2.1.4) for any
 * size up to the current one.
 *
 * <p>Every complete, aligned subtree is kept: level {@code k} holds the hashes of the subtrees of
 * {@code 2^k} leaves that are complete, 32 bytes each, in flat arrays (about 64 bytes per leaf in
 * all). In RFC 9162's tree every left child is such a subtree, so a root or a proof costs
 * O(log² n) hashes at most, never a walk over the leaves.
 *
 * <p>One thread appends ({@link #append} is synchronized); any number read without locks. A
 * reader takes a {@link Snapshot}, whose arrays are only ever written beyond its size.
 */
final class MerkleTree {

    static final int HASH = 32;

    /**
     * An immutable view of the first {@code size} leaves. The subtrees on its right edge (ranges
     * ending at {@code size}, at most 63 of them, the only ones not kept in the levels) are
     * remembered in {@code edges} by their start once computed, so that the proofs of a tree
     * that many readers share cost O(log n) hashes after the first.
     */
    record Snapshot(long size, byte[][] levels, Map<Long, byte[]> edges) {

        Snapshot(long size, byte[][] levels) {
            this(size, levels, new ConcurrentHashMap<>());
        }

        /** The root hash of the first {@code n} leaves ({@code n ≤ size}). */
        byte[] root(long n) {
            check(n, size);
            return n == 0 ? emptyRoot() : hash(0, n);
        }

        /** The audit path of leaf {@code index} in the tree of the first {@code n} leaves (RFC 9162 2.1.3.1). */
        List<byte[]> inclusion(long index, long n) {
            check(n, size);
            if (index < 0 || index >= n) {
                throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + n);
            }
            List<byte[]> path = new ArrayList<>();
            path(index, 0, n, path);
            return path;
        }

        /** The proof that the tree of {@code m} leaves is a prefix of that of {@code n} (RFC 9162 2.1.4.1). */
        List<byte[]> consistency(long m, long n) {
            check(n, size);
            if (m < 1 || m > n) {
                throw new IllegalArgumentException("no consistency proof from " + m + " to " + n);
            }
            List<byte[]> proof = new ArrayList<>();
            subproof(m, 0, n, true, proof);
            return proof;
        }

        private void path(long m, long start, long end, List<byte[]> out) {
            long n = end - start;
            if (n == 1) {
                return;
            }
            long k = largestPowerOfTwoBelow(n);
            if (m < k) {
                path(m, start, start + k, out);
                out.add(hash(start + k, end));
            } else {
                path(m - k, start + k, end, out);
                out.add(hash(start, start + k));
            }
        }

        private void subproof(long m, long start, long end, boolean whole, List<byte[]> out) {
            long n = end - start;
            if (m == n) {
                if (!whole) {
                    out.add(hash(start, end));
                }
                return;
            }
            long k = largestPowerOfTwoBelow(n);
            if (m <= k) {
                subproof(m, start, start + k, whole, out);
                out.add(hash(start + k, end));
            } else {
                subproof(m - k, start + k, end, false, out);
                out.add(hash(start, start + k));
            }
        }

        /** MTH(D[start:end]): kept when complete and aligned, else built from its two children. */
        private byte[] hash(long start, long end) {
            long n = end - start;
            if (Long.bitCount(n) == 1) {
                int level = Long.numberOfTrailingZeros(n);
                int offset = Math.toIntExact((start >>> level) * HASH);
                return Arrays.copyOfRange(levels[level], offset, offset + HASH);
            }
            if (end == size) {
                byte[] known = edges.get(start);
                if (known != null) {
                    return known;
                }
            }
            long k = largestPowerOfTwoBelow(n);
            byte[] hash = node(hash(start, start + k), hash(start + k, end));
            if (end == size) {
                edges.put(start, hash);
            }
            return hash;
        }

        private static void check(long n, long size) {
            if (n < 0 || n > size) {
                throw new IllegalArgumentException("tree size " + n + " is beyond " + size);
            }
        }
    }

    /** Level 0 is the leaves; a level's array may be longer than what it holds (room to grow). */
    private final byte[][] levels = new byte[63][];
    private volatile Snapshot snapshot;

    MerkleTree() {
        Arrays.setAll(levels, level -> new byte[0]);
        snapshot = new Snapshot(0, levels.clone());
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long size() {
        return snapshot.size();
    }

    /**
     * Appends leaf {@code index}'s hash; {@code index} must be the current size. A level is one
     * Java array, so a tree holds at most 2^26 leaves (67 million key events).
     */
    synchronized void append(long index, byte[] leafHash) {
        long size = snapshot.size();
        if (index != size) {
            throw new IllegalStateException("leaf " + index + " appended to a tree of " + size);
        }
        if (leafHash.length != HASH) {
            throw new IllegalStateException("a leaf hash has " + leafHash.length + " bytes");
        }
        byte[] carry = leafHash;
        long position = size;
        for (int level = 0; ; level++) {
            put(level, position, carry);
            if ((position & 1) == 0) {
                break;
            }
            // this node completes its parent: left sibling || this
            int left = Math.toIntExact((position - 1) * HASH);
            carry = node(Arrays.copyOfRange(levels[level], left, left + HASH), carry);
            position >>>= 1;
        }
        snapshot = new Snapshot(size + 1, levels.clone());
    }

    private void put(int level, long position, byte[] hash) {
        int offset = Math.toIntExact(position * HASH);
        byte[] array = levels[level];
        if (array.length < offset + HASH) {
            // grow by copying: readers keep the old array, whose bytes below their size never change
            array = Arrays.copyOf(array, Math.max(offset + HASH, Math.max(4 * HASH, array.length * 2)));
            levels[level] = array;
        }
        System.arraycopy(hash, 0, array, offset, HASH);
    }

    static byte[] leafHash(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0);
        return sha.digest(leaf);
    }

    static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }

    static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** The largest power of two strictly below {@code n} ({@code n ≥ 2}). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
