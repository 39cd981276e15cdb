package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.DirectoryException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "logout",
        description = "Log out: revoke the session token and go offline.")
public final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        Optional<Home.SavedSession> session = cli.home().session(cli.server(), Instant.now());
        if (session.isEmpty()) {
            cli.home().clearSession();
            cli.status("Not logged in to " + cli.server() + ".");
            return ExitCode.OK;
        }
        try {
            cli.directory().logout(session.get().token());
        } catch (DirectoryException e) {
            if (e.kind() != DirectoryException.Kind.UNAUTHORIZED) {
                throw e;
            }
        }
        cli.home().clearSession();
        cli.status("Logged out " + session.get().username() + ".");
        return ExitCode.OK;
    }
}
