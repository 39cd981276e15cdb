package dev.p2pchat.peer.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A listener behind a NAT dials back to a public dialer's punch port: while that connection is
 * being secured, punching the same address from the same port can only fail at once, and the
 * relay is not needed (seen in the NAT lab: three punches failed in 300 ms with "Cannot assign
 * requested address" and the relay won over the dial-back).
 */
class DialBacksTest {

    @Test
    void aDialBackFromTheListenersOutsideAddressHoldsPunchesAndTheRelayUntilItFails() {
        DialBacks dialBacks = new DialBacks("203.0.113.2");
        assertThat(dialBacks.holding()).isFalse();

        assertThat(dialBacks.arrived("203.0.113.2")).isTrue();
        assertThat(dialBacks.holding()).isTrue();

        dialBacks.failed();
        assertThat(dialBacks.holding()).isFalse();
    }

    /** Others behind the listener's (carrier) NAT dialing our punch port again and again hold nothing more. */
    @Test
    void onlyTheFirstDialBackHolds() {
        DialBacks dialBacks = new DialBacks("2001:db8::2");
        assertThat(dialBacks.arrived("2001:db8:0:0:0:0:0:2")).isTrue();
        assertThat(dialBacks.arrived("2001:db8::2")).as("a second one from the same address").isFalse();
        assertThat(dialBacks.holding()).isTrue();
        dialBacks.failed();
        assertThat(dialBacks.holding()).isFalse();
        dialBacks.failed();
        assertThat(dialBacks.holding()).as("never below zero").isFalse();
        assertThat(dialBacks.arrived("2001:db8::2")).as("nor one after the first failed").isFalse();
        assertThat(dialBacks.holding()).isFalse();
    }

    @Test
    void behindTheSameNatADialBackFromTheListenersHomeAddressHoldsToo() {
        DialBacks dialBacks = new DialBacks("203.0.113.1");
        dialBacks.alsoAt("198.51.100.3");
        assertThat(dialBacks.arrived("198.51.100.3")).isTrue();
        assertThat(dialBacks.holding()).isTrue();
        assertThat(dialBacks.arrived("198.51.100.4")).as("another host of that network").isFalse();
    }

    @Test
    void aConnectionFromAnyOtherAddressHoldsNothing() {
        DialBacks dialBacks = new DialBacks("203.0.113.2");
        assertThat(dialBacks.arrived("192.0.2.66")).as("a stranger who found our punch port").isFalse();
        assertThat(dialBacks.arrived("198.51.100.3")).as("a home-network address: no punch to it is held up").isFalse();
        assertThat(dialBacks.holding()).isFalse();
    }
}
