package dev.p2pchat.peer.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints a shell completion script: picocli's own for commands, options and file paths, plus
 * peer names from known_peers for {@code chat}, {@code send} and {@code lookup}.
 */
@Command(name = "completion",
        description = {"Print a completion script for bash or zsh. Install it with, for bash:",
                "  p2pchat completion bash > ~/.local/share/bash-completion/completions/p2pchat",
                "or add  source <(p2pchat completion zsh)  to ~/.zshrc."})
public final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() throws IOException {
        StringBuilder script = new StringBuilder();
        if (shell == Shell.zsh) {
            script.append("# zsh runs the bash completion through bashcompinit\n")
                    .append("autoload -U +X compinit && compinit\n")
                    .append("autoload -U +X bashcompinit && bashcompinit\n");
        }
        script.append(AutoComplete.bash("p2pchat", spec.root().commandLine()));
        try (InputStream peers = CompletionCommand.class.getResourceAsStream("completion-peers.bash")) {
            if (peers == null) {
                throw new IllegalStateException("completion-peers.bash is missing from the jar");
            }
            script.append(new String(peers.readAllBytes(), StandardCharsets.UTF_8));
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
