package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.keylog.SafetyNumber;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify", description = {"Show the safety number of you and NAME: 60 digits from both keys, the same",
        "on both sides. Compare it with NAME over another channel; answering 'yes' marks NAME verified in",
        "known_peers (peers, lookup and the chat header show it)."})
public final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The peer (any letter case).")
    String username;

    @Option(names = "--yes", description = "Mark NAME verified without asking (you compared the number already).")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        Home.SavedSession session = cli.session();
        var known = cli.knownPeers();
        Optional<String> pinned = known.fingerprintOf(username);
        String theirs;
        String from;
        if (pinned.isPresent()) {
            theirs = pinned.get();
            from = "the key pinned in known_peers";
        } else {
            Directory.Peer peer = cli.directory().lookup(session.token(), username);
            KeyLog.Checked checked = cli.keyLog().check(username, peer);
            if (peer.fingerprint() == null) {
                throw new CliException(ExitCode.PEER_UNAVAILABLE, username + " has no registered identity key yet");
            }
            theirs = peer.fingerprint();
            from = checked.logged() ? "the directory's key, proven by its key log" : "the directory's key (no key log)";
        }
        String number = SafetyNumber.of(session.username(), cli.identity().fingerprint(), username, theirs);
        cli.out().println("Safety number of " + session.username() + " and " + username + " (" + from + "):");
        cli.out().println("  " + SafetyNumber.grouped(number));
        cli.out().flush();
        if (known.verified(username, theirs)) {
            cli.status(username + " is already verified with this key.");
            return ExitCode.OK;
        }
        boolean confirmed = yes;
        if (!confirmed) {
            cli.status("Does " + username + " see the same number (p2pchat verify " + session.username()
                    + ")? Type yes to mark them verified:");
            String answer = line(cli.stdin());
            confirmed = answer != null && answer.strip().equalsIgnoreCase("yes");
        }
        if (confirmed) {
            known.markVerified(username, theirs);
            cli.status(username + " is now verified in known_peers.");
        } else {
            cli.status("Not marked verified.");
        }
        return ExitCode.OK;
    }

    private static String line(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (bytes.size() < 256) {
                    bytes.write(b);
                }
            }
            if (b == -1 && bytes.size() == 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
