package dev.p2pchat.directory.signal;

import java.util.function.Consumer;

/** The bus of a single instance: envelopes are delivered at once, on the publishing thread. */
final class InMemorySignalBus implements SignalBus {

    private volatile Consumer<Envelope> receiver = envelope -> { };

    @Override
    public void publish(Envelope envelope) {
        receiver.accept(envelope);
    }

    @Override
    public void subscribe(Consumer<Envelope> receiver, Runnable resumed) {
        this.receiver = receiver;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void close() {
        receiver = envelope -> { };
    }
}
