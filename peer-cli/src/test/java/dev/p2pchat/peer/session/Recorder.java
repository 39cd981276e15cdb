package dev.p2pchat.peer.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Everything one side's console would hear: chat lines, the session's end, transfers started,
 * progressing and finished, in the order the session reported them ({@link #log}).
 */
final class Recorder implements ChatSession.Events, TransferEvents {

    static final Duration WAIT = Duration.ofSeconds(10);

    /** Ordered: "chat:TEXT", "started:DIRECTION:NAME", "finished:DIRECTION:NAME:ok|failed". */
    final List<String> log = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> chats = new LinkedBlockingQueue<>();
    final CompletableFuture<ChatSession.Ending> ended = new CompletableFuture<>();
    final List<Transfer> started = new CopyOnWriteArrayList<>();
    final BlockingQueue<Finished> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Finished> sent = new LinkedBlockingQueue<>();
    final List<Transfer> asked = new CopyOnWriteArrayList<>();

    volatile Function<Transfer, CompletableFuture<Boolean>> answer = offer -> CompletableFuture.completedFuture(false);
    volatile Consumer<Transfer> onProgress = transfer -> { };
    /** Runs after a finished transfer was recorded, on the thread that reported it. */
    volatile java.util.function.BiConsumer<Transfer, Transfer.Result> onFinished = (transfer, result) -> { };
    /** Runs on the reader thread before a chat line is recorded. */
    volatile Consumer<String> onChat = text -> { };

    record Finished(Transfer transfer, Transfer.Result result) {
    }

    @Override
    public void chat(ChatSession session, String text) {
        onChat.accept(text);
        log.add("chat:" + text);
        chats.add(text);
    }

    @Override
    public void ended(ChatSession session, ChatSession.Ending ending) {
        log.add("ended:" + ending.reason());
        ended.complete(ending);
    }

    @Override
    public void started(Transfer transfer) {
        log.add("started:" + transfer.direction() + ":" + transfer.name());
        started.add(transfer);
    }

    @Override
    public void progress(Transfer transfer) {
        onProgress.accept(transfer);
    }

    @Override
    public void finished(Transfer transfer, Transfer.Result result) {
        log.add("finished:" + transfer.direction() + ":" + transfer.name() + ":" + (result.ok() ? "ok" : "failed"));
        (transfer.direction() == Transfer.Direction.RECEIVE ? received : sent).add(new Finished(transfer, result));
        onFinished.accept(transfer, result);
    }

    @Override
    public CompletableFuture<Boolean> ask(Transfer offer) {
        asked.add(offer);
        return answer.apply(offer);
    }

    String nextChat() throws InterruptedException {
        return take(chats, "a chat message");
    }

    Finished nextReceived() throws InterruptedException {
        return take(received, "a received file to finish");
    }

    Finished nextSent() throws InterruptedException {
        return take(sent, "a sent file to finish");
    }

    ChatSession.Ending awaitEnded() {
        return ended.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    List<String> logSnapshot() {
        return new ArrayList<>(log);
    }

    private static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
        T next = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
        }
        return next;
    }
}
