package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.p2pchat.peer.P2pChat;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The completion script, run in a real bash as the shell would run it on TAB. */
class CompletionCommandTest {

    @TempDir
    Path tmp;

    private Path script;
    private Path home;

    @BeforeEach
    void script() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine commandLine = P2pChat.commandLine(new P2pChat(new ByteArrayInputStream(new byte[0]), false));
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute("completion", "bash")).isZero();
        script = Files.writeString(tmp.resolve("p2pchat.bash"), out.toString());
        home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("known_peers"), "# comment\nalice " + "a".repeat(64) + "\nalbert "
                + "b".repeat(64) + "\nbob " + "c".repeat(64) + "\n");
    }

    /** What TAB offers after {@code words} (the last one is being typed). */
    private List<String> complete(String... words) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        String run = "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _p2pchat_complete; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process bash = new ProcessBuilder("/bin/bash", "-c", run).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    @Test
    void completesCommandsAndOptions() throws Exception {
        assertThat(complete("p2pchat", "ch")).contains("chat");
        assertThat(complete("p2pchat", "chat", "--exp")).contains("--explain");
    }

    @Test
    void completesKnownPeerNamesForChatSendAndLookup() throws Exception {
        assertThat(complete("p2pchat", "--home", home.toString(), "chat", "al")).containsExactlyInAnyOrder("alice", "albert");
        assertThat(complete("p2pchat", "--home", home.toString(), "send", "b")).containsExactly("bob");
        assertThat(complete("p2pchat", "--home=" + home, "lookup", "")).containsExactlyInAnyOrder("alice", "albert", "bob");
    }

    @Test
    void completesPathsForTheFilesOfSend() throws Exception {
        Files.writeString(tmp.resolve("report.pdf"), "x");
        assertThat(complete("p2pchat", "--home", home.toString(), "send", "bob", tmp + "/rep"))
                .contains(tmp + "/report.pdf");
    }
}
