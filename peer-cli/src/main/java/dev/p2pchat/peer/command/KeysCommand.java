package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.keylog.Entry;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.keylog.KeyLogJson;
import dev.p2pchat.peer.keylog.Rotation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "keys", description = {"Print NAME's identity key history from the directory's key log, verified",
        "(every entry proven in a signed head consistent with the one you saw before)."})
public final class KeysCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The user (any letter case).")
    String username;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        KeyLogJson.History history = cli.keyLog().history(username);
        String pinned = cli.knownPeers().fingerprintOf(username).orElse(null);
        cli.out().println("Key history of " + username + " in the key log of " + cli.directory().base() + " (head of "
                + history.head().size() + " entries, signed " + java.time.Instant.ofEpochMilli(history.head().timestamp())
                + "):");
        if (history.truncated()) {
            cli.out().println("  (older entries left out: the directory serves the latest " + KeyLogJson.MAX_HISTORY + ")");
        }
        for (KeyLogJson.Proof proof : history.entries()) {
            Entry entry = proof.entry();
            String how = switch (entry.kind()) {
                case FIRST -> "first key";
                case ROTATION -> Rotation.valid(entry) ? "rotation, signed by the previous key"
                        : "rotation with an INVALID signature";
                case RESET -> "RESET: not signed by the previous key";
            };
            cli.out().println("  #" + entry.index() + "  " + KeyLog.when(entry) + "  " + Fingerprints.pretty(entry.fingerprint())
                    + "  " + how + (entry.fingerprint().equals(pinned) ? "  (known_peers)" : ""));
        }
        if (history.entries().isEmpty()) {
            cli.out().println("  no key events");
        }
        cli.out().flush();
        return ExitCode.OK;
    }
}
