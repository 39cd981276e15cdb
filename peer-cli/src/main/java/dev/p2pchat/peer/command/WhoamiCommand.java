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

    @picocli.CommandLine.Option(names = "--json",
            description = "Print JSON: {username, server, fingerprint, home, loggedIn, expiresAt}.")
    boolean json;

    /** The stable shape of {@code whoami --json}; username and expiresAt are null when not logged in. */
    record Json(String username, String server, String fingerprint, String home, boolean loggedIn, Instant expiresAt) {
    }

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        Optional<Home.SavedSession> session = cli.home().session(cli.server(), Instant.now());
        if (json) {
            cli.out().println(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(new Json(
                    session.map(Home.SavedSession::username).orElse(null), cli.server().toString(),
                    cli.identity().fingerprint(), cli.home().dir().toString(), session.isPresent(),
                    session.map(Home.SavedSession::expiresAt).orElse(null))));
            cli.out().flush();
            return ExitCode.OK;
        }
        cli.out().println("username:    " + session.map(Home.SavedSession::username).orElse("(not logged in)"));
        cli.out().println("server:      " + cli.server());
        cli.out().println("fingerprint: " + Fingerprints.pretty(cli.identity().fingerprint()));
        cli.out().println("home:        " + cli.home().dir());
        cli.out().flush();
        return ExitCode.OK;
    }
}
