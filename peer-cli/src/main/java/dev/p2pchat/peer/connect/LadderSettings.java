package dev.p2pchat.peer.connect;

import java.time.Duration;

/**
 * How long each rung of the ladder may take, when the next one starts, and (for tests and
 * benchmarks) which rungs may be used at all.
 *
 * @param directTimeout TCP + TLS to one advertised address
 * @param stagger       between two direct candidates (happy eyeballs)
 * @param punchTimeout  one hole-punch attempt (its SYN is retransmitted within it)
 * @param relayAfter    when the relay is asked for if no other way has won yet; sooner when
 *                      the listener refused or every punch failed. Chosen so that a punch that
 *                      needs a SYN retransmit (one side 0.7 s late) still wins, and a peer that
 *                      can only be relayed is relayed within 5 s.
 * @param overall       the whole ladder
 * @param punchDelay    extra wait before this side dials in a punch (tests: "one side starts late")
 * @param only          null for every rung; else the one rung the dialer may use (tests, benchmarks)
 */
public record LadderSettings(Duration directTimeout, Duration stagger, Duration punchTimeout, Duration relayAfter,
                             Duration overall, Duration punchDelay, Rung only) {

    public static final LadderSettings DEFAULT = new LadderSettings(Duration.ofSeconds(5), Duration.ofMillis(250),
            Duration.ofSeconds(4), Duration.ofMillis(3000), Duration.ofSeconds(20), Duration.ZERO, null);

    public LadderSettings withPunchDelay(Duration delay) {
        return new LadderSettings(directTimeout, stagger, punchTimeout, relayAfter, overall, delay, only);
    }

    public LadderSettings onlyVia(Rung rung) {
        return new LadderSettings(directTimeout, stagger, punchTimeout, rung == Rung.RELAYED ? Duration.ZERO : relayAfter,
                overall, punchDelay, rung);
    }

    /** Whether the dialer may use {@code rung}. */
    public boolean allows(Rung rung) {
        return only == null || only == rung;
    }
}
