package dev.p2pchat.directory.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.directory.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RelayTokensTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
    private final RelayTokens tokens = new RelayTokens(secret, clock);

    @Test
    void aMintedTokenVerifiesWithItsIdAndExpiryThirtySecondsAhead() throws RelayRefusal {
        String token = tokens.mint();

        assertThat(token).hasSize(76).matches("[A-Za-z0-9_-]+");
        RelayTokens.Verified verified = tokens.verify(token);
        assertThat(verified.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(verified.id()).hasSize(32);
        assertThat(tokens.verify(tokens.mint()).id()).as("every token has its own id").isNotEqualTo(verified.id());
    }

    @Test
    void anotherInstanceWithTheSameSecretAcceptsIt() throws RelayRefusal {
        assertThat(new RelayTokens(secret.clone(), clock).verify(tokens.mint())).isNotNull();
    }

    @Test
    void aTokenExpiresThirtySecondsAfterMinting() throws RelayRefusal {
        String token = tokens.mint();
        clock.advance(Duration.ofSeconds(29));
        tokens.verify(token);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(RelayRefusal.class).hasMessage("expired");
    }

    @Test
    void aTokenFromAnotherSecretIsBad() {
        String foreign = new RelayTokens("another secret of thirty-two bytes".getBytes(), clock).mint();

        assertThatThrownBy(() -> tokens.verify(foreign)).hasMessage("bad-token");
    }

    @Test
    void aChangedByteOrAForgedExpiryIsBad() {
        byte[] bytes = Base64.getUrlDecoder().decode(tokens.mint());
        bytes[5] ^= 1; // the expiry, pushed into the future or past
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThatThrownBy(() -> tokens.verify(forged)).hasMessage("bad-token");
    }

    @Test
    void anExpiredForgeryIsBadNotExpired() {
        String forged = new RelayTokens("another secret of thirty-two bytes".getBytes(), clock)
                .encode(1, clock.instant().getEpochSecond() - 100, new byte[16]);

        assertThatThrownBy(() -> tokens.verify(forged)).as("the MAC is checked first").hasMessage("bad-token");
    }

    @Test
    void anotherVersionIsBadEvenWithAGoodMac() {
        String version2 = tokens.encode(2, clock.instant().getEpochSecond() + 30, new byte[16]);

        assertThatThrownBy(() -> tokens.verify(version2)).hasMessage("bad-token");
    }

    @Test
    void malformedTokensAreBad() {
        for (String token : new String[] {null, "", "short", "x".repeat(76) + "=", "!".repeat(76), "A".repeat(77)}) {
            assertThatThrownBy(() -> tokens.verify(token)).as(String.valueOf(token)).hasMessage("bad-token");
        }
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new RelayTokens(new byte[31], clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
