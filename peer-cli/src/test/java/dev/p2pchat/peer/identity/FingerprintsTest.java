package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FingerprintsTest {

    private static final String FP = "0123456789abcdef".repeat(4);

    @Test
    void validMeansExactly64LowercaseHex() {
        assertThat(Fingerprints.isValid(FP)).isTrue();
        assertThat(Fingerprints.isValid(FP.toUpperCase())).isFalse();
        assertThat(Fingerprints.isValid(FP.substring(1))).isFalse();
        assertThat(Fingerprints.isValid(FP + "0")).isFalse();
        assertThat(Fingerprints.isValid(FP.substring(1) + "g")).isFalse();
        assertThat(Fingerprints.isValid(null)).isFalse();
        assertThat(Fingerprints.isValid("")).isFalse();
    }

    @Test
    void prettyGroupsByFour() {
        assertThat(Fingerprints.pretty(FP))
                .isEqualTo("0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef");
        assertThatThrownBy(() -> Fingerprints.pretty("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void normalizeAcceptsWhatPeopleType() {
        assertThat(Fingerprints.normalize(Fingerprints.pretty(FP).toUpperCase())).isEqualTo(FP);
        assertThat(Fingerprints.normalize(FP.replaceAll("(..)(?!$)", "$1:"))).isEqualTo(FP);
        assertThat(Fingerprints.normalize(Fingerprints.pretty(FP))).isEqualTo(FP);
        assertThatThrownBy(() -> Fingerprints.normalize(FP + "ab")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprints.normalize("zz")).isInstanceOf(IllegalArgumentException.class);
    }
}
