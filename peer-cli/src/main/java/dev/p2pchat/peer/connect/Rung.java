package dev.p2pchat.peer.connect;

/** The ways to reach a peer, tried in this order (and raced where it makes sense). */
public enum Rung {
    /** TCP to an address the listener advertised. */
    DIRECT("direct"),
    /** The listener dialed back to us, asked through the directory. */
    REVERSE("reverse"),
    /** Both sides opened at once through their NATs. */
    PUNCHED("punched"),
    /** Through the directory's relay; TLS still end to end. */
    RELAYED("relayed");

    private final String word;

    Rung(String word) {
        this.word = word;
    }

    /** The word users and the signalling protocol see. */
    public String word() {
        return word;
    }
}
