package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.keylog.Rotation;
import java.util.Base64;
import java.util.Locale;
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
        Identity old = cli.identity();
        String me = session.username().toLowerCase(Locale.ROOT);
        // the new identity is on disk before the directory hears of it, and current only after
        Identity next = Identity.createNext(cli.home().dir());
        String signature = Rotation.sign(old.privateKey(), me, old.fingerprint(), next.fingerprint());
        byte[] proof;
        try {
            proof = cli.directory().rotateKey(session.token(), next.fingerprint(),
                    Base64.getEncoder().encodeToString(old.certificate().getEncoded()), signature);
        } catch (DirectoryException e) {
            Identity.discardNext(cli.home().dir());
            throw e;
        }
        Identity.promoteNext(cli.home().dir());
        cli.status("Your identity key is now " + Fingerprints.pretty(next.fingerprint()) + " (was "
                + Fingerprints.pretty(old.fingerprint()) + ").");
        KeyLog.Checked checked = cli.keyLog().check(me,
                new Directory.Peer(me, false, null, null, next.fingerprint(), null, null, null, proof));
        cli.status("The directory's key log has the rotation as entry #" + checked.entry().index() + " (head of "
                + checked.head().size() + "). Peers who know your old key will follow it on their next lookup.");
        return ExitCode.OK;
    }
}
