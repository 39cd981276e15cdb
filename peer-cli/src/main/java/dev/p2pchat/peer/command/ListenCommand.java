package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "listen",
        description = {"Go online and wait for peers; each peer that connects gets a chat session.",
                "Typed lines go to the latest chat (/to NAME switches, /who lists). q or /quit stops listening."})
public final class ListenCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions connectOptions;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "Port to listen on (default: any free port; the directory tells peers which).")
    int port;

    @Option(names = "--once", description = "Exit when the first chat session ends.")
    boolean once;

    @Mixin
    ReceiveOptions receive;

    /** For tests: how often presence is renewed (the directory's TTL is 60 s; 20 s leaves two retries). */
    @Option(names = "--renew-interval", hidden = true, defaultValue = "20", paramLabel = "SECONDS")
    int renewSeconds;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CliException(ExitCode.USAGE, "--port must be between 0 and 65535");
        }
        Cli cli = root.cli(spec);
        Home.SavedSession session = cli.session();
        PeerAccess access = new PeerAccess(cli, session, connectOptions);
        try (LineInput input = LineInput.open(cli)) {
            ChatConsole console = new ChatConsole(cli, input);
            try (Listening listening = Listening.start(cli, access, console, receive.policy(cli), session, port, Listening.renewEvery(renewSeconds))) {
                input.prompt(() -> console.current() == null ? "> " : console.current().peer() + "> ");
                input.start();
                ChatConsole.LineHandler quit = (command, argument) ->
                        command.equals("q") || command.equals("quit") ? Optional.of(ChatConsole.Action.QUIT) : Optional.empty();
                boolean inputOpen = true;
                while (true) {
                    if (once && listening.sessionsSeen() > 0 && console.sessions().isEmpty()) {
                        break;
                    }
                    Optional<String> line = inputOpen ? input.poll(Duration.ofMillis(200)) : sleep();
                    if (line.isEmpty()) {
                        continue;
                    }
                    ChatConsole.Action action = console.handle(line.get(), quit);
                    if (action == ChatConsole.Action.QUIT) {
                        break;
                    }
                    if (action == ChatConsole.Action.EOF) {
                        if (input.interactive()) {
                            break;
                        }
                        inputOpen = false; // a script's stdin ended: keep listening
                    }
                }
                console.awaitSends();
            }
        } finally {
            access.shutdown();
        }
        return ExitCode.OK;
    }

    private static Optional<String> sleep() throws InterruptedException {
        Thread.sleep(200);
        return Optional.empty();
    }
}
