package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UsernamesTest {

    @Test
    void thePeersRuleIsTheOneInTheRestContract() throws Exception {
        String spec = Files.readString(Path.of("..", "src", "main", "resources", "openapi.yaml"));
        Matcher schema = Pattern.compile("(?m)^    Username:\\R(?:      .*\\R)*?      pattern: '\\^(.*)\\$'").matcher(spec);
        assertThat(schema.find()).as("openapi.yaml has a Username schema with a pattern").isTrue();
        assertThat(Usernames.PATTERN).isEqualTo(schema.group(1));
    }

    @Test
    void namesAreTheSameAccountInAnyLetterCase() {
        assertThat(Usernames.same("Alice", "aLICE")).isTrue();
        assertThat(Usernames.same("alice", "aIice")).isFalse();
        assertThat(Usernames.same("alice", null)).isFalse();
    }

    @Test
    void theRuleAcceptsAndRefusesAsDocumented() {
        assertThat(Usernames.isValid("al")).isFalse();
        assertThat(Usernames.isValid("a".repeat(32))).isTrue();
        assertThat(Usernames.isValid("a".repeat(33))).isFalse();
        assertThat(Usernames.isValid("_alice")).isFalse();
        assertThat(Usernames.isValid("al.ice-_9")).isTrue();
        assertThat(Usernames.isValid("al ice")).isFalse();
    }
}
