package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.Sizes;
import dev.p2pchat.peer.session.Transfer;
import dev.p2pchat.peer.session.TransferEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The chat console shared by {@code chat}, {@code send}, {@code listen} and the guided shell:
 * which sessions are open and which one typed lines go to, the in-chat commands, received
 * messages as {@code [HH:MM:SS] NAME: TEXT}, and files with progress.
 */
final class ChatConsole implements ChatSession.Events, TransferEvents {

    static final String HELP = String.join(System.lineSeparator(),
            "In a chat every line you type is a message, except:",
            "  send_file PATH   (or /send PATH)   send a file",
            "  close            (or /close)       end this chat",
            "  /to NAME [TEXT]                    talk to NAME from now on (or send TEXT to NAME only)",
            "  /who                               the open chats",
            "  /verify [yes]                      the safety number of this chat; 'yes' once it matches theirs",
            "  h                (or /help)        this help");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Cli cli;
    private final LineInput input;
    private final List<ChatSession> sessions = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Transfer.Result>> sends = new CopyOnWriteArrayList<>();
    /** Transfers shown with progress lines below the prompt (terminal only), in the order they started. */
    private final Map<Transfer, Boolean> shown = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final java.util.concurrent.ScheduledExecutorService refresher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "p2pchat-progress");
                thread.setDaemon(true);
                return thread;
            });
    private volatile java.util.concurrent.ScheduledFuture<?> refreshing;
    private final Questions questions;
    private volatile ChatSession current;

    ChatConsole(Cli cli, LineInput input) {
        this.cli = cli;
        this.input = input;
        this.questions = new Questions(input::status);
    }

    LineInput input() {
        return input;
    }

    ChatSession current() {
        return current;
    }

    List<ChatSession> sessions() {
        return sessions;
    }

    /**
     * A new session. One the user opened ({@code focus}) becomes the one typed lines go to; one
     * that connected to us takes the focus only when no other chat has it, so that a peer who
     * connects never receives a line meant for someone else. Returns whether it took the focus.
     */
    boolean attach(ChatSession session, boolean focus) {
        sessions.add(session);
        if (focus || current == null) {
            current = session;
            if (sessions.size() > 1) {
                input.status("Now talking to " + session.peer() + " (/who lists the " + sessions.size()
                        + " chats, /to NAME switches).");
            }
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- session events

    @Override
    public void chat(ChatSession session, String text) {
        input.message("[" + CLOCK.format(LocalTime.now()) + "] " + session.peer() + ": " + Text.printable(text));
    }

    @Override
    public void ended(ChatSession session, ChatSession.Ending ending) {
        sessions.remove(session);
        if (current == session) {
            current = sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
        }
        input.status(Text.printable(ending.message()) + ".");
    }

    @Override
    public void started(Transfer transfer) {
        String what = (transfer.direction() == Transfer.Direction.SEND ? "Sending '" : "Receiving '")
                + Text.printable(transfer.name()) + "' (" + Sizes.human(transfer.size()) + ")"
                + (transfer.direction() == Transfer.Direction.SEND ? " to " : " from ") + transfer.peer()
                + (transfer.offset() > 0 ? ", resuming at " + Sizes.human(transfer.offset()) : "");
        if (input.interactive()) {
            // drawn below the prompt by the terminal's status area, never into the line being typed
            shown.put(transfer, Boolean.TRUE);
            synchronized (shown) {
                if (refreshing == null) {
                    refreshing = refresher.scheduleAtFixedRate(this::redrawProgress, 0, 250, TimeUnit.MILLISECONDS);
                }
            }
        } else {
            input.status(what + "...");
        }
    }

    @Override
    public void progress(Transfer transfer) {
        // the refresher reads transfer.done() four times a second; nothing to do per chunk
    }

    /** At most four lines; more transfers are counted on the last one. */
    private void redrawProgress() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        int width = input.width();
        synchronized (shown) {
            int i = 0;
            for (Transfer transfer : shown.keySet()) {
                if (i++ == 3 && shown.size() > 4) {
                    lines.add("... and " + (shown.size() - 3) + " more files on their way");
                    break;
                }
                lines.add(Progress.line(transfer, width));
            }
        }
        input.progress(lines);
    }

    @Override
    public void finished(Transfer transfer, Transfer.Result result) {
        questions.withdraw(transfer);
        if (shown.remove(transfer) != null) {
            redrawProgress();
        }
        String name = "'" + Text.printable(transfer.name()) + "'";
        if (!result.ok()) {
            input.status("Not " + (transfer.direction() == Transfer.Direction.SEND ? "sent" : "received") + ": " + name
                    + ": " + Text.printable(result.message()));
            return;
        }
        String how = Sizes.human(transfer.size())
                + (transfer.offset() > 0 ? " (the last " + Sizes.human(result.bytes()) + " after resuming)" : "")
                + " in " + seconds(result.time()) + " (" + Sizes.rate(result.bytes(), result.time()) + ")";
        if (transfer.direction() == Transfer.Direction.SEND) {
            input.status("Sent " + name + " to " + transfer.peer() + ": " + how + ", SHA-256 verified by the receiver.");
        } else {
            input.status("Received " + name + " from " + transfer.peer() + ": " + how + ", SHA-256 verified, saved as "
                    + result.savedAs() + ".");
        }
    }

    @Override
    public CompletableFuture<Boolean> ask(Transfer offer) {
        if (!input.interactive()) {
            return CompletableFuture.completedFuture(false);
        }
        return questions.ask(offer, offer.peer(), offer.peer() + " offers '" + Text.printable(offer.name()) + "' ("
                + Sizes.human(offer.size()) + "). Accept?");
    }

    // ---------------------------------------------------------------- typed lines

    /** What a typed line asked for beyond chat. */
    enum Action { NONE, QUIT, EOF }

    /**
     * Handles one typed line: an answer to a pending question, an in-chat command, or a
     * message for the current session. Lines that {@code extra} handles (shell commands when no
     * chat is open) come first.
     */
    Action handle(String line, LineHandler extra) {
        if (line == LineInput.EOF) {
            questions.declineAll();
            return Action.EOF;
        }
        if (questions.answer(line)) {
            return Action.NONE;
        }
        String trimmed = line.strip();
        String command = trimmed.split("\\s+", 2)[0];
        String argument = trimmed.length() > command.length() ? trimmed.substring(command.length()).strip() : "";
        if (extra != null && current == null) {
            Optional<Action> handled = extra.handle(command, argument);
            if (handled.isPresent()) {
                return handled.get();
            }
        }
        switch (command) {
            case "/quit":
                return Action.QUIT;
            case "h", "/help":
                input.status(HELP);
                return Action.NONE;
            case "/who":
                who();
                return Action.NONE;
            case "/to":
                to(argument);
                return Action.NONE;
            case "/verify":
                verify(argument);
                return Action.NONE;
            case "close", "/close":
                ChatSession session = current;
                if (session == null) {
                    input.status("No chat is open.");
                } else {
                    closeAfterTransfers(session);
                }
                return Action.NONE;
            case "send_file", "/send":
                sendFile(argument);
                return Action.NONE;
            default:
                break;
        }
        if (trimmed.isEmpty()) {
            return Action.NONE;
        }
        ChatSession session = current;
        if (session == null) {
            input.status(extra == null ? "Nobody is connected yet." : "Not in a chat: 'c NAME' connects, 'h' helps.");
            return Action.NONE;
        }
        say(session, line);
        return Action.NONE;
    }

    /** Shell commands (h, l, c NAME, q) that apply when no chat is open. */
    interface LineHandler {
        Optional<Action> handle(String command, String argument);
    }

    private void say(ChatSession session, String text) {
        try {
            session.sendChat(text);
        } catch (IllegalArgumentException e) {
            input.status("Not sent: " + e.getMessage() + ".");
        } catch (IOException e) {
            input.status("Not sent: " + e.getMessage() + ".");
        }
    }

    private void who() {
        if (sessions.isEmpty()) {
            input.status("No chats are open.");
            return;
        }
        for (ChatSession session : sessions) {
            input.status((session == current ? "* " : "  ") + session.peer());
        }
    }

    /**
     * The safety number of the current chat (our key and the peer's, as known_peers pins it
     * and TLS proved it); {@code yes} marks the peer verified.
     */
    private void verify(String argument) {
        ChatSession session = current;
        if (session == null) {
            input.status("No chat is open.");
            return;
        }
        try {
            String peer = session.peer();
            Optional<String> theirs = cli.knownPeers().fingerprintOf(peer);
            if (theirs.isEmpty()) {
                input.status(peer + " is not in known_peers: nothing to verify.");
                return;
            }
            String me = cli.session().username();
            if (argument.equalsIgnoreCase("yes")) {
                cli.knownPeers().markVerified(peer, theirs.get());
                input.status(peer + " is now verified in known_peers.");
                return;
            }
            String number = dev.p2pchat.peer.keylog.SafetyNumber.of(me, cli.identity().fingerprint(), peer, theirs.get());
            input.status("Safety number of " + me + " and " + peer + ": "
                    + dev.p2pchat.peer.keylog.SafetyNumber.grouped(number));
            input.status(cli.knownPeers().verified(peer, theirs.get()) ? peer + " is verified with this key."
                    : "If " + peer + " sees the same number (/verify on their side), type /verify yes.");
        } catch (dev.p2pchat.peer.identity.IdentityException | RuntimeException e) {
            input.status("Cannot verify: " + Text.printable(e.getMessage()) + ".");
        }
    }

    private void to(String argument) {
        String[] parts = argument.split("\\s+", 2);
        Optional<ChatSession> target = sessions.stream().filter(s -> s.peer().equalsIgnoreCase(parts[0])).findFirst();
        if (parts[0].isEmpty() || target.isEmpty()) {
            input.status(parts[0].isEmpty() ? "Usage: /to NAME [TEXT]" : "No chat with '" + Text.printable(parts[0]) + "' is open.");
            return;
        }
        if (parts.length > 1) {
            say(target.get(), parts[1]);
        } else {
            current = target.get();
            input.status("Now talking to " + current.peer() + ".");
        }
    }

    void sendFile(String argument) {
        ChatSession session = current;
        if (session == null) {
            input.status("No chat is open to send a file to.");
            return;
        }
        if (argument.isEmpty()) {
            input.status("Usage: send_file PATH");
            return;
        }
        Path file = Path.of(unquote(argument)).toAbsolutePath();
        sends.add(session.sendFile(file));
    }

    /** Waits for files still on their way out to {@code session}, then says goodbye. */
    void closeAfterTransfers(ChatSession session) {
        awaitSends();
        session.close("bye");
    }

    /** Blocks until every file offered from this console is settled; true when all were verified. */
    boolean awaitSends() {
        boolean allOk = true;
        for (CompletableFuture<Transfer.Result> send : sends) {
            if (!send.isDone()) {
                input.status("Waiting for files to finish...");
            }
            allOk &= send.join().ok();
        }
        return allOk;
    }

    List<CompletableFuture<Transfer.Result>> sends() {
        return sends;
    }

    /** Closes every session and waits a little for the goodbyes. */
    void closeAll() {
        for (ChatSession session : sessions) {
            session.close("bye");
        }
        for (ChatSession session : sessions) {
            try {
                session.ended().get(6, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // leaving anyway
            }
        }
    }

    // ---------------------------------------------------------------- text

    private static String unquote(String path) {
        if (path.length() >= 2 && (path.startsWith("\"") && path.endsWith("\"")
                || path.startsWith("'") && path.endsWith("'"))) {
            return path.substring(1, path.length() - 1);
        }
        return path;
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String seconds(Duration time) {
        return String.format(Locale.ROOT, "%.1f s", time.toNanos() / 1e9);
    }
}
