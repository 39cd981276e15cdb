package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.connect.Endpoints;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.identity.Fingerprints;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "lookup",
        description = "Show a peer's online state, address, port and identity fingerprint.")
public final class LookupCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The peer's username (any letter case).")
    String username;

    @Option(names = "--json", description = "Print the directory's JSON answer.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        Directory.Peer peer = cli.directory().lookup(cli.session().token(), username);
        if (json) {
            cli.out().println(JsonMapper.builder().build().writeValueAsString(peer));
        } else {
            cli.out().println("username:    " + Text.printable(peer.username(), 64));
            cli.out().println("online:      " + (peer.online() ? "yes" : "no"));
            if (peer.online()) {
                cli.out().println("address:     " + Text.printable(Endpoints.format(peer.host(), peer.port()), 300));
            }
            cli.out().println("fingerprint: " + (peer.fingerprint() == null ? "unknown (never logged in with p2pchat)"
                    : Fingerprints.pretty(peer.fingerprint())));
            cli.out().println("last seen:   " + PeersCommand.ago(peer.lastSeen(), Instant.now()));
        }
        cli.out().flush();
        return ExitCode.OK;
    }
}
