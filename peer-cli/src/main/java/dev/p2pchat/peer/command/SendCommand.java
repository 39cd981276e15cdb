package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.Outbox;
import dev.p2pchat.peer.session.ReceivePolicy;
import java.io.IOException;
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
        description = {"Connect to NAME, send the files and folders, and exit 0 only when the receiver",
                "confirmed every file's SHA-256. A folder is sent with its structure and empty folders;",
                "links inside it are reported, not followed. Sending again resumes where it broke off."})
public final class SendCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions connectOptions;

    @Parameters(index = "0", paramLabel = "NAME", description = "Who to send to.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Files and folders to send.")
    List<Path> files;

    @Option(names = "--address", paramLabel = "HOST:PORT",
            description = "Dial this address instead of asking the directory (for a peer in known_peers).")
    String address;

    @Option(names = "--json", description = "Print JSON: {peer, files: [{path, size, ok, sha256, seconds, message}],"
            + " skipped: [{path, reason}], confirmed, failed} (see the README).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(name);
        Outbox.Listing listing;
        try {
            listing = Outbox.list(files);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        for (Outbox.Skipped skipped : listing.skipped()) {
            cli.warn("not sending '" + Text.printable(skipped.shown()) + "': " + Text.printable(skipped.reason()));
        }
        Home.SavedSession session = cli.session();
        PeerAccess access = new PeerAccess(cli, session, connectOptions);
        try (LineInput input = LineInput.open(cli)) {
            ChatConsole console = new ChatConsole(cli, input);
            ChatSession chat = ChatCommand.connect(cli, access, console, name, address, ReceivePolicy.refuseAll());
            List<Outbox.Sent> sent = Outbox.send(chat, listing.entries(), (entry, result) -> { });
            if (chat.isOpen()) {
                chat.close("done");
            }
            chat.ended().join();
            SendReport report = new SendReport(name, sent, listing.skipped());
            if (json) {
                cli.out().println(report.json());
                cli.out().flush();
            } else if (listing.entries().size() > 1 || !listing.skipped().isEmpty()) {
                cli.status(report.summary());
            }
            return report.exitCode();
        } finally {
            access.shutdown();
        }
    }
}
