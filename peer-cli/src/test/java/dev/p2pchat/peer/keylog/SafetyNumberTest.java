package dev.p2pchat.peer.keylog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafetyNumberTest {

    private static final String ALICE_KEY = "11".repeat(32);
    private static final String BOB_KEY = "a0".repeat(16) + "5f".repeat(16);

    /** Computed apart from this code, with Python's hashlib, from the spec's definition. */
    private static final String VECTOR = "453906060865069993948001867263476022866067826134579169640486";

    @Test
    void aFixedVector() {
        assertThat(SafetyNumber.half("Alice", ALICE_KEY)).isEqualTo("453906060865069993948001867263");
        assertThat(SafetyNumber.of("alice", ALICE_KEY, "bob", BOB_KEY)).isEqualTo(VECTOR);
    }

    @Test
    void theSameOnBothSidesWhateverTheLetterCase() {
        assertThat(SafetyNumber.of("bob", BOB_KEY, "ALICE", ALICE_KEY)).isEqualTo(VECTOR);
    }

    @Test
    void anotherKeyOrNameGivesAnotherNumber() {
        assertThat(SafetyNumber.of("alice", ALICE_KEY, "bob", "12".repeat(32))).isNotEqualTo(VECTOR);
        assertThat(SafetyNumber.of("alice", ALICE_KEY, "bobby", BOB_KEY)).isNotEqualTo(VECTOR);
    }

    @Test
    void shownAsTwelveGroupsOfFive() {
        assertThat(SafetyNumber.grouped(VECTOR)).isEqualTo(
                "45390 60608 65069 99394 80018 67263 47602 28660 67826 13457 91696 40486");
    }
}
