package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "log", description = "What this peer keeps of the directory's key log.",
        subcommands = {LogCommand.Forget.class})
public final class LogCommand {

    @ParentCommand
    P2pChat root;

    @Command(name = "forget", description = {"Drop the pinned log key and the last verified tree head of --server.",
            "The only way past a key log check that failed (exit status 10): do it only when you know why",
            "the directory's log changed (it was restored from a backup, or moved). The next lookup pins",
            "the log key again."})
    static final class Forget implements Callable<Integer> {

        @ParentCommand
        LogCommand log;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Cli cli = log.root.cli(spec);
            String file = cli.keyLog().store().file(cli.directory().base()).toString();
            if (cli.keyLog().forget()) {
                cli.out().println("Forgot the key log of " + cli.directory().base() + ": its log key and the last"
                        + " verified head (" + file + " removed). The next lookup pins the log key again.");
            } else {
                cli.out().println("Nothing was kept of the key log of " + cli.directory().base() + ".");
            }
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
