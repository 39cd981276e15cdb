package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.keylog.KeyLog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "rotate-key", description = {"Replace your identity key with a new one, signed by the old key and",
        "published in the directory's key log: peers who know your old key follow the rotation on their next",
        "lookup, with one line saying so. The old key is gone afterwards."})
public final class RotateKeyCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        Home.SavedSession session = cli.session();
        KeyLog.Rotated rotated = cli.keyLog().rotate(session.username(), session.token(), cli.home().dir(),
                cli.identity());
        cli.status("Your identity key is now " + Fingerprints.pretty(rotated.current().fingerprint()) + " (was "
                + Fingerprints.pretty(rotated.old().fingerprint()) + ").");
        cli.status("The directory's key log has the rotation as entry #" + rotated.proof().entry().index()
                + " (head of " + rotated.proof().head().size() + "). Peers who know your old key will follow it on"
                + " their next lookup.");
        return ExitCode.OK;
    }
}
