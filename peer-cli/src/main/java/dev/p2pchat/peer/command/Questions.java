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
 * the order they came.
 */
final class Questions {

    private static final Set<String> YES = Set.of("y", "yes");
    private static final Set<String> NO = Set.of("n", "no");

    private record Question(String text, CompletableFuture<Boolean> answer) {
    }

    private final Deque<Question> open = new ArrayDeque<>();
    private final Consumer<String> show;

    /** {@code show} prints a question for the user. */
    Questions(Consumer<String> show) {
        this.show = show;
    }

    /** Asks {@code text} now, or after the questions before it are answered. */
    CompletableFuture<Boolean> ask(String text) {
        Question question = new Question(text, new CompletableFuture<>());
        boolean first;
        synchronized (this) {
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
