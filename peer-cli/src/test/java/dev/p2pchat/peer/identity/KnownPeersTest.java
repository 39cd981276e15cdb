package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.p2pchat.peer.identity.KnownPeers.Status;
import dev.p2pchat.peer.identity.KnownPeers.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownPeersTest {

    private static final String FP_A = "a".repeat(64);
    private static final String FP_B = "b".repeat(64);

    @TempDir
    Path temp;

    private Path file() {
        return temp.resolve(KnownPeers.FILE_NAME);
    }

    @Test
    void aRotationReplacesTheKeyKeepsMetAndDropsVerified() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.remember("alice", FP_A);
        known.markVerified("alice", FP_A);
        known.rememberMet("stranger", FP_A);

        known.rotate("alice", FP_B);
        known.rotate("stranger", FP_B);

        assertThat(known.check("alice", FP_B).status()).isEqualTo(KnownPeers.Status.TRUSTED);
        assertThat(known.verified("alice", FP_B)).as("the safety number was of the old key").isFalse();
        assertThat(known.chosen("alice", FP_B)).isTrue();
        assertThat(known.chosen("stranger", FP_B)).as("a stranger stays a stranger").isFalse();
        assertThat(KnownPeers.load(file()).check("stranger", FP_B).status()).isEqualTo(KnownPeers.Status.TRUSTED);
    }

    @Test
    void trustOnFirstUseThenRefuseAnotherKey() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        assertThat(known.check("alice", FP_A)).isEqualTo(new Verdict(Status.UNKNOWN, null));

        known.remember("alice", FP_A);

        assertThat(known.check("alice", FP_A)).isEqualTo(new Verdict(Status.TRUSTED, FP_A));
        Verdict other = known.check("alice", FP_B);
        assertThat(other.status()).isEqualTo(Status.MISMATCH);
        assertThat(other.knownFingerprint()).isEqualTo(FP_A);
        assertThat(known.warnings()).isEmpty();
    }

    @Test
    void usernamesAreCaseInsensitiveAndStoredLowercase() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.remember("Alice.Smith", FP_A);

        assertThat(known.check("ALICE.SMITH", FP_A).status()).isEqualTo(Status.TRUSTED);
        assertThat(known.fingerprintOf("alice.smith")).contains(FP_A);
        assertThat(Files.readString(file())).isEqualTo("alice.smith " + FP_A + "\n");
    }

    @Test
    void rememberNeverReplacesButReplaceDoes() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.remember("alice", FP_A);
        known.remember("ALICE", FP_A); // same key again: nothing changes

        assertThatThrownBy(() -> known.remember("alice", FP_B))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("alice is already known").hasMessageContaining(FP_A);
        assertThat(known.fingerprintOf("alice")).contains(FP_A);

        known.replace("Alice", FP_B);
        assertThat(known.check("alice", FP_B).status()).isEqualTo(Status.TRUSTED);
        assertThat(KnownPeers.load(file()).fingerprintOf("alice")).contains(FP_B);
        assertThat(Files.readString(file())).isEqualTo("alice " + FP_B + "\n");
    }

    @Test
    void persistsAtomicallyOwnerOnlyAndRoundTrips() throws Exception {
        KnownPeers known = KnownPeers.load(temp.resolve("new-home").resolve(KnownPeers.FILE_NAME));
        known.remember("alice", FP_A);
        known.remember("bob_2", FP_B);

        KnownPeers reloaded = KnownPeers.load(known.file());
        assertThat(reloaded.peers()).isEqualTo(Map.of("alice", FP_A, "bob_2", FP_B));
        assertThat(reloaded.warnings()).isEmpty();
        try (var files = Files.list(known.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
        assumeTrue(SecureFiles.isPosix(temp));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(known.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(known.file().getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void rewritingKeepsCommentsAndOtherLinesByteForByte() throws Exception {
        String original = "# my peers\r\n\r\nbob " + FP_B + "\r\n# café ünïcödé\n  carol   " + FP_A + "  \nnot a line\n";
        Files.write(file(), original.getBytes(StandardCharsets.UTF_8));
        KnownPeers known = KnownPeers.load(file());
        assertThat(known.peers()).containsOnlyKeys("bob", "carol");
        assertThat(known.warnings()).hasSize(1);

        known.remember("alice", FP_A);

        String expected = original + "alice " + FP_A + "\n";
        assertThat(Files.readAllBytes(file())).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hostileContentIsSkippedWithWarnings() throws Exception {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(("alice " + FP_A + "\n").getBytes(StandardCharsets.US_ASCII));
        content.writeBytes("garbage\n".getBytes(StandardCharsets.US_ASCII));                       // 2 no fingerprint
        content.writeBytes(("x".repeat(5000) + " " + FP_B + "\n").getBytes(StandardCharsets.US_ASCII)); // 3 too long
        content.writeBytes(new byte[] {0, 1, 2, (byte) 0xff, 0x1b, '[', '2', 'J', '\n'});          // 4 binary
        content.writeBytes(("bob " + "g".repeat(64) + "\n").getBytes(StandardCharsets.US_ASCII));   // 5 bad hex
        content.writeBytes(("bob " + "b".repeat(63) + "\n").getBytes(StandardCharsets.US_ASCII));   // 6 short
        content.writeBytes(("-bob " + FP_B + "\n").getBytes(StandardCharsets.US_ASCII));           // 7 bad name
        content.writeBytes(("bob " + FP_B + " extra\n").getBytes(StandardCharsets.US_ASCII));      // 8 three fields
        content.writeBytes(("ALICE " + FP_B + "\n").getBytes(StandardCharsets.US_ASCII));          // 9 second key
        content.writeBytes(("carol " + FP_B.toUpperCase() + "\n").getBytes(StandardCharsets.US_ASCII)); // ok
        content.writeBytes(("dave\t" + FP_A).getBytes(StandardCharsets.US_ASCII));                 // ok, no newline
        Files.write(file(), content.toByteArray());

        KnownPeers known = KnownPeers.load(file());

        assertThat(known.peers()).isEqualTo(Map.of("alice", FP_A, "carol", FP_B, "dave", FP_A));
        List<String> warnings = known.warnings();
        assertThat(warnings).hasSize(8);
        assertThat(warnings.get(0)).isEqualTo(file() + " line 2: no fingerprint after the username; skipped");
        assertThat(warnings.get(1)).isEqualTo(file() + " line 3: longer than 1024 characters; skipped");
        assertThat(warnings.get(2)).isEqualTo(file() + " line 4: not printable ASCII; skipped");
        assertThat(warnings.get(3)).endsWith("line 5: the fingerprint is not 64 hex characters; skipped");
        assertThat(warnings.get(4)).endsWith("line 6: the fingerprint is not 64 hex characters; skipped");
        assertThat(warnings.get(5)).endsWith("line 7: not a valid username; skipped");
        assertThat(warnings.get(6)).endsWith("line 8: unknown tag (expected met or verified); skipped");
        assertThat(warnings.get(7)).endsWith("line 9: another fingerprint for alice than on line 1; line 1 counts");
        assertThat(String.join("\n", warnings)).doesNotContain("\u001b").doesNotContain("garbage");
        assertThat(known.check("alice", FP_B).status()).isEqualTo(Status.MISMATCH);
    }

    @Test
    void randomBytesNeverThrow() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 50; round++) {
            byte[] bytes = new byte[random.nextInt(20_000)];
            random.nextBytes(bytes);
            Files.write(file(), bytes);
            KnownPeers known = KnownPeers.load(file());
            assertThat(known.peers()).isEmpty();
        }
    }

    @Test
    void oversizedFileIsReadUpToTheBoundAndNeverRewritten() throws Exception {
        StringBuilder content = new StringBuilder("alice " + FP_A + "\n");
        while (content.length() <= KnownPeers.MAX_FILE_BYTES) {
            content.append("# padding padding padding padding padding padding padding padding\n");
        }
        content.append("bob ").append(FP_B).append('\n');
        Files.writeString(file(), content);

        KnownPeers known = KnownPeers.load(file());

        assertThat(known.peers()).containsOnlyKeys("alice");
        assertThat(known.warnings()).anyMatch(w -> w.contains("larger than 1 MiB"));
        assertThatThrownBy(() -> known.remember("carol", FP_B))
                .isInstanceOf(IdentityException.class).hasMessageContaining("not rewriting");
        assertThat(Files.readString(file())).isEqualTo(content.toString());
    }

    @Test
    void aFolderIsNotAKnownPeersFile() throws Exception {
        Files.createDirectory(file());
        assertThatThrownBy(() -> KnownPeers.load(file()))
                .isInstanceOf(IdentityException.class)
                .hasMessage("cannot read " + file() + ": not a regular file");
    }

    @Test
    void malformedArgumentsAreRefused() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        assertThatThrownBy(() -> known.check("a", FP_A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> known.check("alice", FP_A.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> known.remember("alice bob", FP_A)).isInstanceOf(IllegalArgumentException.class);
        assertThat(file()).doesNotExist();
    }

    @Test
    void concurrentRememberKeepsEveryPeer() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        KnownPeers sameFileElsewhere = KnownPeers.load(file()); // e.g. a second session object
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String name = "peer" + i;
                String fingerprint = String.format("%064x", i);
                KnownPeers target = i % 2 == 0 ? known : sameFileElsewhere;
                results.add(pool.submit(() -> {
                    start.await();
                    target.remember(name, fingerprint);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        KnownPeers reloaded = KnownPeers.load(file());
        assertThat(reloaded.peers()).hasSize(threads);
        for (int i = 0; i < threads; i++) {
            assertThat(reloaded.check("peer" + i, String.format("%064x", i)).status()).isEqualTo(Status.TRUSTED);
            assertThat(known.fingerprintOf("peer" + i)).isEqualTo(Optional.of(String.format("%064x", i)));
        }
    }

    @Test
    void concurrentFirstUseOfOneNameHasOneWinner() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String fingerprint = String.format("%064x", i);
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        known.remember("alice", fingerprint);
                        return true;
                    } catch (IdentityException conflict) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void seesWhatAnotherProcessWrote() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        assertThat(known.check("alice", FP_A).status()).isEqualTo(Status.UNKNOWN);

        Files.writeString(file(), "alice " + FP_B + "\n");

        assertThat(known.check("alice", FP_A)).isEqualTo(new Verdict(Status.MISMATCH, FP_B));
    }

    @Test
    void aPeerThatDialedUsIsPinnedAsMetAndBecomesChosenWhenWeDialIt() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.rememberMet("Mallory", FP_A);

        assertThat(known.check("mallory", FP_A).status()).as("its key is checked like any other").isEqualTo(Status.TRUSTED);
        assertThat(known.check("mallory", FP_B).status()).isEqualTo(Status.MISMATCH);
        assertThat(known.chosen("mallory", FP_A)).isFalse();
        assertThat(Files.readString(file())).isEqualTo("mallory " + FP_A + " met\n");

        known.rememberMet("mallory", FP_A);
        assertThat(known.chosen("mallory", FP_A)).as("meeting again changes nothing").isFalse();
        known.remember("mallory", FP_A);
        assertThat(known.chosen("mallory", FP_A)).isTrue();
        assertThat(Files.readString(file())).isEqualTo("mallory " + FP_A + "\n");
        assertThat(KnownPeers.load(file()).chosen("mallory", FP_A)).as("persisted").isTrue();
    }

    @Test
    void aVerifiedPeerIsChosenAndStaysVerifiedUntilItsKeyIsReplaced() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.rememberMet("alice", FP_A);
        known.markVerified("alice", FP_A);

        assertThat(known.verified("alice", FP_A)).isTrue();
        assertThat(known.chosen("alice", FP_A)).isTrue();
        known.remember("alice", FP_A);
        assertThat(known.verified("alice", FP_A)).as("remembering again keeps the mark").isTrue();
        known.replace("alice", FP_B);
        assertThat(known.verified("alice", FP_B)).as("a new key is not verified").isFalse();
    }

    @Test
    void strangersWhoDialInCannotGrowTheFileWithoutEnd() throws Exception {
        KnownPeers known = KnownPeers.load(file());
        known.remember("friend", FP_B);
        for (int i = 0; i < KnownPeers.MAX_MET + 5; i++) {
            known.rememberMet(String.format("stranger%04d", i), FP_A);
        }

        Map<String, String> peers = known.peers();
        assertThat(peers).hasSize(KnownPeers.MAX_MET + 1);
        assertThat(peers).containsKey("friend").doesNotContainKey("stranger0000").doesNotContainKey("stranger0004")
                .containsKey("stranger0005").containsKey(String.format("stranger%04d", KnownPeers.MAX_MET + 4));
    }
}
