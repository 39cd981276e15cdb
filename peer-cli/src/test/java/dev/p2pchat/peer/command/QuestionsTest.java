package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class QuestionsTest {

    private final List<String> shown = new ArrayList<>();
    private final Questions questions = new Questions(shown::add);

    @Test
    void aChatLineTypedWhileAQuestionIsOpenIsNotTakenAsAnAnswer() {
        CompletableFuture<Boolean> offer = questions.ask("alice offers 'a.iso' (4.0 GiB). Accept?");

        assertThat(questions.answer("yeah, see you at 5")).isFalse();
        assertThat(questions.answer("nope, that is not what I meant")).isFalse();
        assertThat(offer).isNotDone();

        assertThat(questions.answer(" Y ")).isTrue();
        assertThat(offer).isCompletedWithValue(true);
    }

    @Test
    void questionsAreAskedOneAtATimeInTheirOrder() {
        CompletableFuture<Boolean> first = questions.ask("first?");
        CompletableFuture<Boolean> second = questions.ask("second?");
        assertThat(shown).containsExactly("first? [y/n]");

        assertThat(questions.answer("no")).isTrue();
        assertThat(first).isCompletedWithValue(false);
        assertThat(second).isNotDone();
        assertThat(shown).containsExactly("first? [y/n]", "second? [y/n]");

        assertThat(questions.answer("yes")).isTrue();
        assertThat(second).isCompletedWithValue(true);
        assertThat(questions.answer("yes")).as("no question open: an ordinary line").isFalse();
    }

    @Test
    void theEndOfInputDeclinesWhatIsStillOpen() {
        CompletableFuture<Boolean> first = questions.ask("first?");
        CompletableFuture<Boolean> second = questions.ask("second?");

        questions.declineAll();

        assertThat(first).isCompletedWithValue(false);
        assertThat(second).isCompletedWithValue(false);
        assertThat(questions.pending()).isFalse();
    }

    @Test
    void aQuestionWhoseOfferWentAwayIsWithdrawnAndTheNextOneShown() {
        Object staleOffer = new Object();
        Object friendsOffer = new Object();
        CompletableFuture<Boolean> stale = questions.ask(staleOffer, "mallory", "mallory offers junk. Accept?");
        CompletableFuture<Boolean> friend = questions.ask(friendsOffer, "alice", "alice offers notes. Accept?");

        questions.withdraw(staleOffer);

        assertThat(shown).containsExactly("mallory offers junk. Accept? [y/n]", "alice offers notes. Accept? [y/n]");
        assertThat(questions.answer("y")).isTrue();
        assertThat(friend).isCompletedWithValue(true);
        assertThat(stale).isNotDone();
    }

    @Test
    void onePeerCannotBuryOthersUnderOpenQuestions() {
        for (int i = 0; i < Questions.MAX_PER_PEER; i++) {
            assertThat(questions.ask(new Object(), "mallory", "junk " + i)).isNotDone();
        }

        assertThat(questions.ask(new Object(), "Mallory", "one more")).as("declined at once").isCompletedWithValue(false);
        assertThat(questions.ask(new Object(), "alice", "notes")).as("others still ask").isNotDone();
    }
}
