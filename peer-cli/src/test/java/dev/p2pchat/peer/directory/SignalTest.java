package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the directory sends on the signalling channel is checked before anyone acts on it. */
class SignalTest {

    private static final String ATTEMPT = "AAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void aSentMessageReadsBackWithTheSenderAdded() {
        Signal sent = Signal.connect("bob", ATTEMPT, List.of(new Signal.Candidate("203.0.113.1", 40001, "observed")));
        String forwarded = sent.toJson().replace("\"to\":\"bob\"", "\"from\":\"alice\"");

        Signal received = Signal.parse(forwarded);

        assertThat(received).isNotNull();
        assertThat(received.from()).isEqualTo("alice");
        assertThat(received.addresses()).containsExactly(new Signal.Candidate("203.0.113.1", 40001, "observed"));
        assertThat(sent.toJson()).doesNotContain("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "{\"type\":\"connect\"}",
        "{\"type\":\"teleport\",\"from\":\"alice\",\"attempt\":\"" + ATTEMPT + "\"}",
        "{\"type\":\"ping\",\"from\":\"al ice\",\"attempt\":\"" + ATTEMPT + "\",\"n\":1}",
        "{\"type\":\"ping\",\"from\":\"alice\",\"attempt\":\"short\",\"n\":1}",
        "{\"type\":\"ping\",\"from\":\"alice\",\"attempt\":\"" + ATTEMPT + "\",\"n\":\"1\"}",
        "{\"type\":\"sync\",\"from\":\"alice\",\"attempt\":\"" + ATTEMPT + "\",\"n\":4}",
        "{\"type\":\"accept\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT + "\",\"addresses\":[{\"host\":\"bob.example\",\"port\":1,\"kind\":\"local\"}]}",
        "{\"type\":\"accept\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT + "\",\"addresses\":[{\"host\":\"198.51.100.2\",\"port\":0,\"kind\":\"local\"}]}",
        "{\"type\":\"accept\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT + "\",\"addresses\":[{\"host\":\"198.51.100.2\",\"port\":1,\"kind\":\"lan\"}]}",
        "{\"type\":\"relay-offer\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT + "\",\"token\":\"x\",\"role\":\"dialer\",\"relay\":{\"port\":8082}}",
        "{\"type\":\"relay-offer\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT + "\",\"token\":\"AAAAAAAAAAAAAAAAAAAA\",\"role\":\"boss\",\"relay\":{\"port\":8082}}",
        "{\"type\":\"welcome\",\"username\":\"alice\",\"relay\":{\"host\":\"x y\",\"port\":8082}}",
        "{\"type\":\"error\",\"reason\":\"\\u001b[2J\"}",
        "{\"type\":\"welcome\",\"username\":\"alice\",\"presence\":\"yes\"}",
    })
    void malformedOrOutOfRangeMessagesAreDropped(String text) {
        assertThat(Signal.parse(text)).isNull();
    }

    @Test
    void moreThanEightAddressesOrAnOversizeFrameAreDropped() {
        String nine = "[" + String.join(",", java.util.Collections.nCopies(9,
                "{\"host\":\"198.51.100.2\",\"port\":1,\"kind\":\"local\"}")) + "]";
        assertThat(Signal.parse("{\"type\":\"connect\",\"from\":\"alice\",\"attempt\":\"" + ATTEMPT + "\",\"addresses\":"
                + nine + "}")).isNull();
        assertThat(Signal.parse("{\"type\":\"welcome\",\"username\":\"alice\",\"x\":\"" + "y".repeat(5000) + "\"}")).isNull();
    }

    @Test
    void aWelcomeAndARelayOfferArrive() {
        assertThat(Signal.parse("{\"type\":\"welcome\",\"username\":\"alice\",\"relay\":{\"host\":null,\"port\":8082}}"))
                .isNotNull();
        assertThat(Signal.parse("{\"type\":\"relay-offer\",\"from\":\"bob\",\"attempt\":\"" + ATTEMPT
                + "\",\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"role\":\"listener\",\"relay\":{\"host\":\"203.0.113.10\",\"port\":8082}}"))
                .extracting(Signal::role).isEqualTo("listener");
    }

    @Test
    void aWelcomeSaysWhetherTheChannelKeepsPresenceAndTheDirectoryMayAskToPublishAgain() {
        assertThat(Signal.parse("{\"type\":\"welcome\",\"username\":\"alice\",\"presence\":true}").presence()).isTrue();
        assertThat(Signal.parse("{\"type\":\"welcome\",\"username\":\"alice\"}").presence())
                .as("a directory from before: we renew ourselves").isNull();
        assertThat(Signal.parse("{\"type\":\"republish\"}")).extracting(Signal::type).isEqualTo(Signal.REPUBLISH);
    }
}
