package dev.p2pchat.peer.session;

import java.util.concurrent.CompletableFuture;

/** What the console hears about files. Called from session threads; keep it quick. */
public interface TransferEvents {

    /** Data is about to flow (after FILE_ACCEPT), from {@link Transfer#offset()}. */
    void started(Transfer transfer);

    /** More bytes moved; called often, throttle the display. */
    void progress(Transfer transfer);

    void finished(Transfer transfer, Transfer.Result result);

    /** {@code --accept ask}: whether to take an offered file; completes when the user answers. */
    default CompletableFuture<Boolean> ask(Transfer offer) {
        return CompletableFuture.completedFuture(false);
    }

    TransferEvents NONE = new TransferEvents() {
        @Override
        public void started(Transfer transfer) {
        }

        @Override
        public void progress(Transfer transfer) {
        }

        @Override
        public void finished(Transfer transfer, Transfer.Result result) {
        }
    };
}
