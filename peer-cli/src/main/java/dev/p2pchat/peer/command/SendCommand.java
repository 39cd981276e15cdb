package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.Transfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "send",
        description = {"Connect to NAME, send the files one after another, and exit 0 only when the",
                "receiver confirmed every file's SHA-256. Sending a file again resumes where it broke off."})
public final class SendCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions connectOptions;

    @Parameters(index = "0", paramLabel = "NAME", description = "Who to send to.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Files to send.")
    List<Path> files;

    @Option(names = "--address", paramLabel = "HOST:PORT",
            description = "Dial this address instead of asking the directory (for a peer in known_peers).")
    String address;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(name);
        for (Path file : files) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new CliException(ExitCode.USAGE, "cannot send " + file + ": not a readable file");
            }
        }
        Home.SavedSession session = cli.session();
        PeerAccess access = new PeerAccess(cli, session, connectOptions);
        try (LineInput input = LineInput.open(cli)) {
            ChatConsole console = new ChatConsole(cli, input);
            ChatSession chat = ChatCommand.connect(cli, access, console, name, address, ReceivePolicy.refuseAll());
            int failed = 0;
            boolean lost = false;
            for (Path file : files) {
                Transfer.Result result = chat.sendFile(file.toAbsolutePath()).join();
                if (!result.ok()) {
                    failed++;
                    if (result.lost()) {
                        lost = true;
                        break;
                    }
                }
            }
            if (chat.isOpen()) {
                chat.close("done");
            }
            chat.ended().join();
            if (lost) {
                return ExitCode.PEER_UNREACHABLE;
            }
            if (failed > 0) {
                cli.status(failed + " of " + files.size() + " files were not confirmed.");
                return ExitCode.TRANSFER_FAILED;
            }
            return ExitCode.OK;
        } finally {
            access.shutdown();
        }
    }
}
