package dev.p2pchat.directory.signal;

import java.util.function.Consumer;

/**
 * Carries {@link Envelope}s to every directory instance, this one included, each of which
 * delivers them to its own matching channels. In memory with one instance (H2); PostgreSQL's
 * LISTEN/NOTIFY when instances share a PostgreSQL database. Best effort, like the channels: a
 * message lost while an instance reconnects is retried by the peers' own timeouts.
 */
interface SignalBus extends AutoCloseable {

    /** Sends an envelope to every instance; never blocks on a recipient. */
    void publish(Envelope envelope);

    /**
     * Where this instance hears envelopes; set once, before the first publish. {@code resumed}
     * runs when the bus hears again after its connection failed: what was sent meanwhile is lost.
     */
    void subscribe(Consumer<Envelope> receiver, Runnable resumed);

    /** True when other instances may hold channels (so local knowledge is not the whole picture). */
    boolean shared();

    @Override
    void close();
}
