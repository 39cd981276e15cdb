package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "register",
        description = "Create an account on the directory (the password is asked without echo).")
public final class RegisterCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "NAME",
            description = "3-32 characters of A-Z a-z 0-9 _ . - (case-insensitive: Alice and alice are one account).")
    String username;

    @Mixin
    PasswordOptions password;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        String registered = cli.directory().register(username, password.read(cli, "Password for new user " + username + ": ", true));
        cli.status("Registered '" + registered + "' at " + cli.server() + ". Next: p2pchat login -u " + registered);
        return ExitCode.OK;
    }
}
