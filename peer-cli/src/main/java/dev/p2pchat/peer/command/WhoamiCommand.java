package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.identity.Fingerprints;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "whoami",
        description = {"Show your username, directory and identity fingerprint.",
                "Read the fingerprint to your peer over another channel to rule out a lying directory."})
public final class WhoamiCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        Optional<Home.SavedSession> session = cli.home().session(cli.server(), Instant.now());
        cli.out().println("username:    " + session.map(Home.SavedSession::username).orElse("(not logged in)"));
        cli.out().println("server:      " + cli.server());
        cli.out().println("fingerprint: " + Fingerprints.pretty(cli.identity().fingerprint()));
        cli.out().println("home:        " + cli.home().dir());
        cli.out().flush();
        return ExitCode.OK;
    }
}
