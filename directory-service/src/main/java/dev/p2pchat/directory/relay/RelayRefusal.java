package dev.p2pchat.directory.relay;

import java.util.Locale;

/** Why the relay refused a connection; the reason goes on the wire as {@code error <reason>}. */
public final class RelayRefusal extends Exception {

    /** The refusal reasons of the relay's line protocol (docs/PROTOCOL.md, section 13). */
    public enum Reason {
        BAD_TOKEN, EXPIRED, ROLE_TAKEN, JUNK, BUSY;

        /** As written on the wire: {@code bad-token}, {@code role-taken}, ... */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public RelayRefusal(Reason reason) {
        super(reason.wire(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
