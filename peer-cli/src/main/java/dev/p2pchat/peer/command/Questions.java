package dev.p2pchat.peer.command;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Yes/no questions asked while chat goes on (a file offer under {@code --accept ask}). Only a
 * line that is an answer ({@code y}, {@code yes}, {@code n}, {@code no}) answers the oldest
 * open question; any other line is still a chat message or a command, so a message typed
 * while a question is open is never swallowed as "no". Questions are asked one at a time, in
 * the order they came; a question whose subject went away (the offer was cancelled, the
 * session ended) is withdrawn, and one peer has at most {@value #MAX_PER_PEER} open at once
 * (more are declined), so a stranger cannot bury a friend's question under stale ones.
 */
final class Questions {

    private static final Set<String> YES = Set.of("y", "yes");
    private static final Set<String> NO = Set.of("n", "no");

    static final int MAX_PER_PEER = 4;

    private record Question(Object subject, String peer, String text, CompletableFuture<Boolean> answer) {
    }

    private final Deque<Question> open = new ArrayDeque<>();
    private final Consumer<String> show;

    /** {@code show} prints a question for the user. */
    Questions(Consumer<String> show) {
        this.show = show;
    }

    /** Asks {@code text} now, or after the questions before it are answered. */
    CompletableFuture<Boolean> ask(String text) {
        return ask(new Object(), "", text);
    }

    /**
     * Asks {@code text} about {@code subject} (withdrawn with {@link #withdraw}) for {@code peer};
     * declined at once when that peer already has {@value #MAX_PER_PEER} questions open.
     */
    CompletableFuture<Boolean> ask(Object subject, String peer, String text) {
        Question question = new Question(subject, peer, text, new CompletableFuture<>());
        boolean first;
        synchronized (this) {
            long fromPeer = open.stream().filter(q -> q.peer().equalsIgnoreCase(peer)).count();
            if (!peer.isEmpty() && fromPeer >= MAX_PER_PEER) {
                return CompletableFuture.completedFuture(false);
            }
            open.addLast(question);
            first = open.size() == 1;
        }
        if (first) {
            show.accept(prompt(question));
        }
        return question.answer();
    }

    /** True when {@code line} answered the oldest open question; false leaves the line to others. */
    boolean answer(String line) {
        String word = line.strip().toLowerCase(Locale.ROOT);
        boolean yes = YES.contains(word);
        if (!yes && !NO.contains(word)) {
            return false;
        }
        Question answered;
        Question next;
        synchronized (this) {
            answered = open.pollFirst();
            next = open.peekFirst();
        }
        if (answered == null) {
            return false;
        }
        answered.answer().complete(yes);
        if (next != null) {
            show.accept(prompt(next));
        }
        return true;
    }

    /** The question about {@code subject} no longer needs an answer; the next one is shown. */
    void withdraw(Object subject) {
        Question next = null;
        boolean wasFirst;
        synchronized (this) {
            Question first = open.peekFirst();
            wasFirst = first != null && first.subject() == subject;
            if (!open.removeIf(q -> q.subject() == subject)) {
                return;
            }
            if (wasFirst) {
                next = open.peekFirst();
            }
        }
        if (next != null) {
            show.accept(prompt(next));
        }
    }

    /** Questions nobody will answer any more (the input ended): each is declined. */
    void declineAll() {
        Question question;
        while (true) {
            synchronized (this) {
                question = open.pollFirst();
            }
            if (question == null) {
                return;
            }
            question.answer().complete(false);
        }
    }

    synchronized boolean pending() {
        return !open.isEmpty();
    }

    private static String prompt(Question question) {
        return question.text() + " [y/n]";
    }
}
