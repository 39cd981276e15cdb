package dev.p2pchat.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class SlotsTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void oneSourceGetsItsShareAndTheOthersTheRest() throws Exception {
        Slots slots = new Slots(3, 2);
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");

        assertThat(slots.tryAcquire(a)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(a)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(a)).isEqualTo(Slots.Outcome.SOURCE_FULL);
        assertThat(slots.tryAcquire(b)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(ip("192.0.2.3"))).isEqualTo(Slots.Outcome.ALL_IN_USE);
        assertThat(slots.inUse()).isEqualTo(3);
    }

    @Test
    void aSourceIsForgottenWithItsLastSlot() throws Exception {
        Slots slots = new Slots(64, 8);
        for (int i = 1; i <= 50; i++) {
            assertThat(slots.tryAcquire(ip("192.0.2." + i))).isEqualTo(Slots.Outcome.TAKEN);
        }
        assertThat(slots.sources()).isEqualTo(50);
        for (int i = 1; i <= 50; i++) {
            slots.release(ip("192.0.2." + i));
        }
        assertThat(slots.sources()).isZero();
        assertThat(slots.inUse()).isZero();
        assertThatThrownBy(() -> slots.release(ip("192.0.2.1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIpv6AddressCountsAsItsSlash64() throws Exception {
        assertThat(Slots.sourceOf(ip("2001:db8:1:2::1"))).isEqualTo(Slots.sourceOf(ip("2001:db8:1:2:ffff:ee:dd:cc")))
                .isEqualTo(ip("2001:db8:1:2::"));
        assertThat(Slots.sourceOf(ip("2001:db8:1:3::1"))).isNotEqualTo(Slots.sourceOf(ip("2001:db8:1:2::1")));
        assertThat(Slots.sourceOf(ip("203.0.113.7"))).isEqualTo(ip("203.0.113.7"));

        Slots slots = new Slots(16, 1);
        assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8::1")))).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8::2")))).isEqualTo(Slots.Outcome.SOURCE_FULL);
    }

    @Test
    void oneIpv6SiteCannotTakeEverySlotWithManyNetworks() throws Exception {
        Slots slots = new Slots(64, 4);
        for (int net = 0; net < 8; net++) {
            assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8:1:" + net + "::1")))).as("network %d", net)
                    .isEqualTo(net < 8 ? Slots.Outcome.TAKEN : Slots.Outcome.SOURCE_FULL);
        }
        assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8:1:ff::1")))).as("a ninth /64 of the same /48")
                .isEqualTo(Slots.Outcome.SOURCE_FULL);
        assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8:2::1")))).as("another site").isEqualTo(Slots.Outcome.TAKEN);

        slots.release(Slots.sourceOf(ip("2001:db8:1:0::1")));
        assertThat(slots.tryAcquire(Slots.sourceOf(ip("2001:db8:1:ff::1")))).isEqualTo(Slots.Outcome.TAKEN);
    }

    @Test
    void aConnectionWeOpenedCountsAgainstTheTotalOnly() {
        Slots slots = new Slots(3, 1);
        assertThat(slots.tryAcquire(null)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(null)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(null)).isEqualTo(Slots.Outcome.TAKEN);
        assertThat(slots.tryAcquire(null)).isEqualTo(Slots.Outcome.ALL_IN_USE);
        slots.release(null);
        assertThat(slots.inUse()).isEqualTo(2);
        assertThat(slots.sources()).isZero();
    }
}
