package dev.p2pchat.peer.keylog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzz tests (Jazzer) of the key log parsers and verifiers: whatever bytes the
 * directory sends as a lookup's proof, a consistency proof, a key history or a log key, the
 * parser returns a bounded, well-formed value or throws {@link KeyLogException} with a short
 * message, never another exception; and what it returns goes through the verifiers (inclusion,
 * consistency, head signature, rotation signature) without an exception.
 *
 * <p>{@code ./mvnw verify} runs each method on its inputs in
 * {@code src/test/resources/dev/p2pchat/peer/keylog/KeyLogJsonFuzzTestInputs/<method>/};
 * {@code .ci/fuzz.sh} fuzzes them ({@code JAZZER_FUZZ=1}).
 */
class KeyLogJsonFuzzTest {

    private static final LogKey KEY;

    static {
        try {
            KEY = LogKey.of(TestLog.newKey().getPublic().getEncoded());
        } catch (KeyLogException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As in FrameReaderFuzzTest: Jazzer's hooks only when fuzzing. */
    @BeforeAll
    static void noHooksWhenNotFuzzing() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz == null || fuzz.isEmpty()) {
            System.getProperties().putIfAbsent("jazzer.hooks", "false");
        }
    }

    @DictionaryEntries({"{\"entry\":", "\"inclusion\":[", "\"head\":", "\"index\":", "\"username\":\"alice\"",
            "\"kind\":\"rotation\"", "\"kind\":\"reset\"", "\"kind\":\"first\"", "\"fingerprint\":", "\"previous\":",
            "\"time\":", "\"certificate\":", "\"signature\":", "\"size\":", "\"rootHash\":", "\"timestamp\":",
            "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"", "9223372036854775807",
            "9223372036854775808", "-1", "null", "\"AA==\""})
    @FuzzTest(maxDuration = "60s")
    void proof(byte[] input) {
        KeyLogJson.Proof proof;
        try {
            proof = KeyLogJson.proof(input);
        } catch (KeyLogException e) {
            assertShort(e);
            return;
        }
        assertThat(proof.inclusion()).hasSizeLessThanOrEqualTo(Merkle.MAX_PROOF_HASHES);
        Merkle.verifyInclusion(proof.entry().index(), proof.head().size(), proof.entry().leafHash(), proof.inclusion(),
                proof.head().root());
        KEY.signed(proof.head());
        Rotation.valid(proof.entry());
    }

    @DictionaryEntries({"{\"from\":3,\"to\":7,\"proof\":[", "\"from\":", "\"to\":", "\"proof\":",
            "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""})
    @FuzzTest(maxDuration = "60s")
    void consistency(byte[] input) {
        List<byte[]> proof;
        try {
            proof = KeyLogJson.consistency(input, 3, 7);
        } catch (KeyLogException e) {
            assertShort(e);
            return;
        }
        byte[] root = Merkle.emptyRoot();
        assertThat(Merkle.verifyConsistency(3, 7, root, root, proof)).isFalse();
    }

    @FuzzTest(maxDuration = "60s")
    void historyAndLogKey(byte[] input) {
        try {
            KeyLogJson.History history = KeyLogJson.history(input);
            assertThat(history.entries()).hasSizeLessThanOrEqualTo(KeyLogJson.MAX_HISTORY);
            for (KeyLogJson.Proof proof : history.entries()) {
                Merkle.verifyInclusion(proof.entry().index(), history.head().size(), proof.entry().leafHash(),
                        proof.inclusion(), history.head().root());
            }
        } catch (KeyLogException e) {
            assertShort(e);
        }
        try {
            LogKey.of(KeyLogJson.logKey(input).publicKey());
        } catch (KeyLogException e) {
            assertShort(e);
        }
    }

    private static void assertShort(KeyLogException e) {
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(300);
    }
}
