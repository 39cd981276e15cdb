package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.connect.Connector;
import dev.p2pchat.peer.connect.Link;
import dev.p2pchat.peer.connect.Target;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.ReceivePolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "chat",
        description = {"Connect to NAME and chat. Every typed line is a message; 'close' ends the chat,",
                "'send_file PATH' sends a file. With piped stdin the chat ends after the last line."})
public final class ChatCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions connectOptions;

    @Parameters(paramLabel = "NAME", description = "Who to chat with.")
    String name;

    @Option(names = "--address", paramLabel = "HOST:PORT",
            description = "Dial this address instead of asking the directory (for a peer in known_peers).")
    String address;

    @Mixin
    ReceiveOptions receive;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(name);
        Home.SavedSession session = cli.session();
        PeerAccess access = new PeerAccess(cli, session, connectOptions);
        try (LineInput input = LineInput.open(cli)) {
            ChatConsole console = new ChatConsole(cli, input);
            ChatSession chat = connect(cli, access, console, name, address, receive.policy(cli));
            input.prompt(() -> chat.peer() + "> ");
            input.start();
            while (chat.isOpen()) {
                Optional<String> line = input.poll(Duration.ofMillis(100));
                if (line.isEmpty()) {
                    continue;
                }
                ChatConsole.Action action = console.handle(line.get(), null);
                if (action == ChatConsole.Action.EOF || action == ChatConsole.Action.QUIT) {
                    console.closeAfterTransfers(chat);
                    break;
                }
            }
            ChatSession.Ending ending = chat.ended().join();
            console.awaitSends();
            return exitCode(ending);
        } finally {
            access.shutdown();
        }
    }

    /** Resolves, dials and starts the session's reader; shared with {@code send}. */
    static ChatSession connect(Cli cli, PeerAccess access, ChatConsole console, String name, String address,
                               ReceivePolicy policy) throws Exception {
        access.showOn(console.input());
        Connector connector = access.connector();
        Target target;
        if (address != null) {
            HostPort hostPort = HostPort.parse(address);
            target = connector.resolve(name, hostPort.host(), hostPort.port());
        } else {
            target = connector.resolve(name);
        }
        Link link = connector.dial(target);
        ChatSession chat = link.session(console, console, policy, access.timers());
        console.attach(chat, true);
        console.input().status("Connected to " + chat.peer() + " at " + link.endpoint() + " ("
                + link.rung().word() + ", key " + Fingerprints.pretty(target.fingerprint()).substring(0, 19)
                + "..., " + (cli.knownPeers().verified(target.username(), target.fingerprint()) ? "verified"
                : "pinned, not verified: /verify") + "). 'close' ends the chat.");
        Thread reader = new Thread(chat::run, "p2pchat-session-" + chat.peer());
        reader.setDaemon(true);
        reader.start();
        return chat;
    }

    static int exitCode(ChatSession.Ending ending) {
        return switch (ending.reason()) {
            case CLOSED_BY_US, CLOSED_BY_PEER -> ExitCode.OK;
            case LOST, TIMED_OUT, PROTOCOL_ERROR, REFUSED_BY_PEER -> ExitCode.PEER_UNREACHABLE;
        };
    }
}
