package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.Directory;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "login",
        description = {"Log in and keep the session token in the home folder.",
                "Creates the identity key on first use; its fingerprint goes to the directory."})
public final class LoginCommand implements Callable<Integer> {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "NAME", description = "Your username.")
    String username;

    @Mixin
    PasswordOptions password;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        String fingerprint = cli.loginIdentity(username).fingerprint();
        Directory.Session session = cli.directory().login(username, password.read(cli, "Password for " + username + ": ", false),
                fingerprint);
        cli.home().saveSession(new Home.SavedSession(cli.server().toString(), session.username(), session.token(),
                session.expiresAt()));
        cli.status("Logged in as " + session.username() + " at " + cli.server() + " until "
                + WHEN.format(session.expiresAt().atZone(ZoneId.systemDefault())) + ".");
        return ExitCode.OK;
    }
}
